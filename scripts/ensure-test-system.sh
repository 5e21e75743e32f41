#!/usr/bin/env bash
# The Debian packages the tests need, installed when missing; fails loudly (never a silent skip in CI):
#   chromium        the browser tests (Playwright drives /usr/bin/chromium; nothing is downloaded)
#   fonts-noto-cjk  Chinese and Japanese pages render with real glyphs, not boxes
set -u
PACKAGES="chromium fonts-noto-cjk"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -z "$missing" ] && [ -x /usr/bin/chromium ]; then exit 0; fi
echo "installing Debian packages for the tests:$missing ..." >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq $missing >/dev/null 2>&1 \
   && [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "error: could not install the Debian packages$missing (apt-get install failed);" \
     "the browser tests need /usr/bin/chromium and the CJK fonts" >&2
exit 1
