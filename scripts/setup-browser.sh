#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests of the web UI (test/streaming-ui-browser*.ts),
# which drive it with playwright-core: a test tool's own browser download cannot work here (only
# the package registries are reachable), Debian's package can. Quick when it is already there.
# On CI (CI=true) a missing Chromium that cannot be installed fails the run; elsewhere this says
# how to install it and the browser tests skip themselves with the reason.
set -uo pipefail
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "setup-browser: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") is installed"
  exit 0
fi

fail() {
  echo "setup-browser: $*" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "setup-browser: the browser tests will be skipped" >&2
  exit 0
}

if [ "$(id -u)" != "0" ]; then
  fail "$CHROMIUM is missing and installing it needs root: run" \
    "'sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium'"
fi
command -v apt-get >/dev/null || fail "$CHROMIUM is missing and this machine has no apt-get: install Chromium from your system's packages"

# Another apt-get (a person, or an unattended upgrade) may hold dpkg's lock: wait for it.
apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"
}
echo "setup-browser: installing Debian's chromium"
apt_get update -q || fail "apt-get update failed"
apt_get install -y -q --no-install-recommends chromium || fail "apt-get install chromium failed"
[ -x "$CHROMIUM" ] || fail "apt-get installed chromium but $CHROMIUM is missing"
echo "setup-browser: $("$CHROMIUM" --version) installed"
