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

# chromium, and a small Chinese font (1.6 MB) so that zh-CN pages and screenshots show
# characters, not boxes.
PACKAGES=(chromium fonts-wqy-microhei)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ] && [ -x /usr/bin/chromium ]; then
  say "chromium and its Chinese font already installed: chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?')"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "missing: ${missing[*]}; run as root, or apt-get install ${missing[*]}" >&2
  exit 1
fi
say "apt-get install ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
say "chromium $(dpkg-query -W -f='${Version}' chromium) installed in $(seconds_since "$T0") s"
