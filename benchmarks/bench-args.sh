# Sourced as `source benchmarks/bench-args.sh "$@"` by the benchmark scripts that take
# [BUILD_DIR]: goes to the repository root and sets `build` (default: build), `proact` (its CLI),
# `python` (Debian's interpreter, the one python3-torch is installed for) and `work` (WORK=DIR
# when set and kept, else a temporary folder removed on exit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build}
proact="$build/sw/proact"
python=/usr/bin/python3
export OMP_WAIT_POLICY=passive
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
