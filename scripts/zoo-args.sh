# Sourced as `source scripts/zoo-args.sh "$@"` by the scripts that take [BUILD_DIR] [MODEL...]:
# goes to the repository root and sets `build` (default: build) and the array `models` (default:
# the whole zoo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build}
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(lenet5 vgg-small resnet-small)
