#!/usr/bin/env bash
# The Debian packages the tests need, installed when missing; fails loudly (never a silent skip in CI):
#   chromium        the browser tests (Playwright drives /usr/bin/chromium; nothing is downloaded)
#   fonts-noto-cjk  Chinese and Japanese pages render with real glyphs, not boxes
#   texlive-*       the LaTeX outputs are compiled in the tests: pdflatex (en, fr with babel-french),
#                   xelatex + xeCJK (zh, ja, with the Noto CJK fonts)
set -u
PACKAGES="chromium fonts-noto-cjk texlive-latex-base texlive-latex-recommended texlive-xetex texlive-lang-chinese
          texlive-lang-french"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -z "$missing" ] && [ -x /usr/bin/chromium ] && command -v xelatex >/dev/null; then exit 0; fi
echo "installing Debian packages for the tests:$missing ..." >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq $missing >/dev/null 2>&1 \
   && [ -x /usr/bin/chromium ] && command -v pdflatex >/dev/null && command -v xelatex >/dev/null; then
  exit 0
fi
echo "error: could not install the Debian packages$missing (apt-get install failed);" \
     "the browser tests need /usr/bin/chromium and the CJK fonts, the LaTeX tests pdflatex and xelatex" >&2
exit 1
