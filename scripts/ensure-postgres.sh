# Sourced by .ci/run (`source scripts/ensure-postgres.sh`): installs Debian's PostgreSQL when it
# is missing, starts a throwaway server on 127.0.0.1 at a free port for the test run (as the
# postgres user when running as root: PostgreSQL refuses root), and exports
# PATCHBAY_TEST_POSTGRES_URL, where the tests make one database per test file
# (src/store/postgres.test-support.ts). The server stops, and its data is removed, when the
# shell that sourced this exits. Without this, each test file starts a server of its own.
_patchbay_postgres() {
  local here bin dir password port as=()
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    # shellcheck source=debian-packages.sh
    source "$here/debian-packages.sh"
    install_debian_packages "the PostgreSQL store's tests" postgresql || return 1
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -x "$bin/initdb" ] || { echo "PostgreSQL's initdb is still missing after installing postgresql" >&2; return 1; }
  fi
  dir="$(mktemp -d "${TMPDIR:-/tmp}/patchbay-ci-postgres.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$dir"
    chown postgres:postgres "$dir"
    as=(runuser -u postgres --)
  fi
  password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" >"$dir/password"
  chmod 644 "$dir/password"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U patchbay --pwfile "$dir/password" -A scram-sha-256 --no-sync -E UTF8 >/dev/null
  rm -f "$dir/password"
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  "${as[@]}" "$bin/pg_ctl" start -D "$dir/data" -l "$dir/data/server.log" -w -s \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300" >/dev/null
  export PATCHBAY_TEST_POSTGRES_URL="postgres://patchbay:$password@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
  # Stopped when the run ends, however it ends (no trap: other scripts may set theirs).
  local run=$BASHPID # the shell that sourced this ($$ would be the outermost one, in a subshell)
  (
    while kill -0 "$run" 2>/dev/null; do sleep 2; done
    "${as[@]}" "$bin/pg_ctl" stop -D "$dir/data" -m fast -s >/dev/null 2>&1
    rm -rf "$dir"
  ) </dev/null >/dev/null 2>&1 &
  disown
}
_patchbay_postgres
