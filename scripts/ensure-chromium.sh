#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "installing Debian's chromium for the browser tests..." >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 \
   && [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "error: could not install Debian's chromium (apt-get install chromium failed);" \
     "the browser tests need /usr/bin/chromium" >&2
exit 1
