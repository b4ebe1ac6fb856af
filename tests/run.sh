#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: install what is missing, then pytest.
# Usage: bash tests/run.sh [pytest arguments]   (e.g. -m browser, -m "not browser")
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt

# The browser test drives Debian's Chromium (never `playwright install`).
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        chromium fonts-liberation >/dev/null
fi

python -m ruff check .
python -m pytest "$@"
