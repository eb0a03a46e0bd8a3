#!/usr/bin/env bash
# Set up a virtual environment with the test extras and run the whole test suite.
# Used verbatim by the README and by .ci/run. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
# The HTML report is tested in a real headless browser (Debian's chromium), and the LaTeX output
# is compiled with a real TeX engine (Debian's texlive: pdflatex, amsmath, booktabs); both are
# installed here when missing, and pdftotext (poppler-utils), which reads the text of the PDF back.
PACKAGES=""
command -v chromium >/dev/null 2>&1 || PACKAGES="$PACKAGES chromium"
command -v pdflatex >/dev/null 2>&1 || PACKAGES="$PACKAGES texlive-latex-base texlive-latex-recommended"
command -v pdftotext >/dev/null 2>&1 || PACKAGES="$PACKAGES poppler-utils"
if [ -n "$PACKAGES" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null) \
            || echo "warning: could not install$PACKAGES; the browser and LaTeX tests will fail" >&2
    fi
fi
exec .venv/bin/python -m pytest "$@"
