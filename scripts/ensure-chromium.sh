#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core; no
# browser is ever downloaded. Installs it with apt-get when it is missing and we may.
set -euo pipefail
source "$(dirname "$0")/debian-packages.sh"
if [ -x /usr/bin/chromium ]; then exit 0; fi
install_debian_packages "the browser tests" chromium
/usr/bin/chromium --version
