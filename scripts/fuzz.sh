#!/usr/bin/env bash
# The fuzz suite (tests/test_hostile_*.py: hostile case files and constants, output paths and
# special files, sizes and time budgets, faulty plugins, hostile text in every output format)
# with many more examples than the test suite draws, randomized on every run (CI runs a small,
# derandomized number). Set LINKAGE_FUZZ_EXAMPLES to change the count; extra arguments go to
# pytest. Run scripts/test.sh once first to set up .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export LINKAGE_FUZZ_EXAMPLES="${LINKAGE_FUZZ_EXAMPLES:-1000}"
unset CI
exec .venv/bin/python -m pytest -q tests/test_hostile_*.py "$@"
