#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: install what is missing, then pytest.
# Usage: bash tests/run.sh [pytest arguments]   (e.g. -m browser, -m "not browser")
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt

# Debian packages, installed only when missing (one apt-get update for all of them):
# the browser test drives Debian's Chromium (never `playwright install`); the
# sampled-instrument test renders notes of the TimGM6mb soundfont with fluidsynth; the
# Chinese and Japanese pages need CJK fonts in that browser.
PACKAGES=()
command -v chromium >/dev/null 2>&1 || PACKAGES+=(chromium fonts-liberation)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || PACKAGES+=(fonts-noto-cjk)
command -v fluidsynth >/dev/null 2>&1 || PACKAGES+=(fluidsynth)
[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || PACKAGES+=(timgm6mb-soundfont)
if [ "${#PACKAGES[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${PACKAGES[@]}" >/dev/null
fi

python -m ruff check .
python -m pytest "$@"
