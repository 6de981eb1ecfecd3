#!/usr/bin/env bash
# The media tests use real peers and tools from Debian: baresip (baresip-core) as SIP phones,
# sipp (sip-tester) for scripted SIP traffic, espeak-ng for speech and sox for audio files.
# Installs what is missing with apt-get when it is missing and we may.
set -euo pipefail
missing=()
command -v baresip >/dev/null || missing+=(baresip-core)
command -v sipp >/dev/null || missing+=(sip-tester)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
install=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the media tests..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the media tests (sudo)..."
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null
else
  echo "The media tests need ${missing[*]}: on Debian/Ubuntu, sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
for tool in baresip sipp espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "$tool is still missing after installing ${missing[*]}" >&2; exit 1; }
done
