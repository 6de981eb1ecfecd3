#!/usr/bin/env bash
# The media tests use real peers and tools from Debian: baresip (baresip-core) as SIP phones,
# sipp (sip-tester) for scripted SIP traffic, espeak-ng for speech, sox for audio files and
# coturn (turnserver) as the TURN relay a relay-only browser sends its audio through.
# Installs what is missing with apt-get when it is missing and we may.
set -euo pipefail
source "$(dirname "$0")/debian-packages.sh"
missing=()
command -v baresip >/dev/null || missing+=(baresip-core)
command -v sipp >/dev/null || missing+=(sip-tester)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
command -v turnserver >/dev/null || missing+=(coturn)
if [ ${#missing[@]} -gt 0 ]; then install_debian_packages "the media tests" "${missing[@]}"; fi
for tool in baresip sipp espeak-ng sox turnserver; do
  command -v "$tool" >/dev/null || { echo "$tool is still missing after installing ${missing[*]}" >&2; exit 1; }
done
# What the tests load, checked here so a partial install fails with its name rather than as a
# phone that never registers or a prompt that is silent: the baresip modules of the test phones
# (src/testing/baresip-config.ts) and espeak-ng's voice data (the en-us voice the server speaks).
for module in g711 aufile sndfile menu ctrl_tcp; do
  [ -f "/usr/lib/baresip/modules/$module.so" ] ||
    { echo "baresip's $module module is not in /usr/lib/baresip/modules: install Debian's baresip-core" >&2; exit 1; }
done
espeak-ng --stdout -v en-us+f3 test >/dev/null ||
  { echo "espeak-ng cannot speak with its en-us voice: install Debian's espeak-ng-data" >&2; exit 1; }
