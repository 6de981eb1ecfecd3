#!/usr/bin/env bash
# The cluster tests run real servers from Debian, each started by the tests themselves on
# loopback in a temp directory: PostgreSQL (the shared store), Redis (the bus) and nginx (the
# load balancer in front of the nodes). Installs what is missing with apt-get when it is missing
# and we may, without starting Debian's own services (nothing is left listening on 80, 5432 or
# 6379).
set -euo pipefail
source "$(dirname "$0")/debian-packages.sh"
postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
missing=()
[ -n "$(postgres_bin)" ] && [ -x "$(postgres_bin)/initdb" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  # Debian's maintainer scripts start each service after installing it; policy-rc.d says no.
  policy=/usr/sbin/policy-rc.d
  placed=''
  if [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && placed=1
  fi
  status=0
  install_debian_packages "the cluster tests" "${missing[@]}" || status=$?
  [ -n "$placed" ] && rm -f "$policy"
  [ "$status" = 0 ] || exit "$status"
fi
[ -x "$(postgres_bin)/initdb" ] || { echo "PostgreSQL's initdb is still missing after installing ${missing[*]}" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is still missing after installing ${missing[*]}" >&2; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "nginx is still missing after installing ${missing[*]}" >&2; exit 1; }
