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

echo
echo "== A short fault campaign: lenet5 unprotected vs ProAct under the paper's protocol"
echo "   (Q15.16 weights, floor(numel*32*BER) bit flips per tensor, 50 fault maps per point,
   the whole test split)"
rm -rf out/demo-campaign
"$proact" campaign --model lenet5 --thresholds none --thresholds models/zoo/lenet5.proact.thresholds.json \
  --fault-model proact-paper --rates 1e-6,1e-5,3e-5,1e-4 --maps 50 --seed 1 --out out/demo-campaign
echo
echo "results: out/demo-campaign/results.csv"
echo "plot:    out/demo-campaign/accuracy_vs_rate.png"
