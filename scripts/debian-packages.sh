# Sourced by the ensure-*.sh scripts: installs Debian packages with apt-get, as root or through
# sudo when it needs no password, saying what it installs and for what; where it may not, says
# what to run and fails.
#
#   install_debian_packages "the media tests" baresip-core sip-tester
install_debian_packages() {
  local purpose=$1
  shift
  local as=()
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's $* for $purpose..."
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then
    as=(sudo -n)
    echo "Installing Debian's $* for $purpose (sudo)..."
  else
    echo "$purpose need $*: on Debian/Ubuntu, sudo apt-get install $*" >&2
    return 1
  fi
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
