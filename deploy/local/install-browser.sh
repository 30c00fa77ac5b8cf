#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/dashboard/browser), idempotent.
#
# Playwright for Python drives /usr/bin/chromium through `executable_path`; `pip install
# playwright` downloads no browser and `playwright install` is never run (it downloads one
# from outside the registries this project uses). Prints what it did and how long it took.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
T0=$EPOCHREALTIME
say() { printf '[install-browser] %s\n' "$*"; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

if [ -x /usr/bin/chromium ]; then
  say "chromium already installed: $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?')"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "chromium is missing and this is not root: run as root, or apt-get install chromium" >&2
  exit 1
fi
say "apt-get install chromium"
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
say "chromium $(dpkg-query -W -f='${Version}' chromium) installed in $(seconds_since "$T0") s"
