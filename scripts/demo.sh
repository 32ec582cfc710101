#!/usr/bin/env bash
# `make demo`: the main job on the shipped zoo. Usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
proact="${1:-build}/sw/proact"

echo "== Model zoo: Fashion-MNIST test accuracy per weight storage format"
echo "   (hardware accumulation order: weight-stationary, 32-row folds)"
"$proact" zoo

echo
echo "== lenet5 on the accelerator (SystemC/TLM model, default 32x32 weight-stationary preset)"
echo "   per-layer cycles, DRAM stalls and PE utilisation; timeline and VCD in traces/demo/"
"$proact" simulate --model lenet5 --engine systemc --limit 1000 --trace traces/demo
