#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core; no
# browser is ever downloaded. Installs it with apt-get when it is missing and we may.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
install=(apt-get install -y -qq --no-install-recommends chromium)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests (sudo)..."
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null
else
  echo "The browser tests need Chromium at /usr/bin/chromium: on Debian/Ubuntu, sudo apt-get install chromium" >&2
  exit 1
fi
/usr/bin/chromium --version
