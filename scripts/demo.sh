#!/usr/bin/env bash
# `make demo`: the main job on the shipped zoo. Usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
proact="${1:-build}/sw/proact"

echo "== Model zoo: Fashion-MNIST test accuracy per weight storage format"
echo "   (hardware accumulation order: weight-stationary, 32-row folds)"
"$proact" zoo
