#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core; no
# browser is ever downloaded. They serve TLS (the hosted SDK's wss:// is fixed) with a certificate
# openssl makes. Installs what is missing with apt-get when we may.
set -euo pipefail
source "$(dirname "$0")/debian-packages.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then install_debian_packages "the browser tests" "${missing[@]}"; fi
/usr/bin/chromium --version
openssl version
