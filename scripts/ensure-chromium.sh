#!/usr/bin/env bash
# Makes sure Debian's Chromium is there for the run inspector's browser test (e2e/src/run-inspector):
# installs the `chromium` package when it is missing and this runs as root; otherwise says how, and
# leaves the test to fail naming what is missing.
set -euo pipefail

command -v chromium >/dev/null && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: no chromium on PATH; the browser test needs it (as root: apt-get install chromium)" >&2
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium for the browser test" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
