#!/usr/bin/env bash
# The co-design study of docs/codesign.md: `proact explore` on lenet5 over two arrays, two
# dataflows, two weight formats, the weight SRAM's voltage from 1.0 V down to 0.55 V, without and
# with ProAct, without and with SECDED, 100 fault maps per point on the whole test split (about
# 15 minutes on 2 cores). Outputs: out/codesign-lenet5/ (the exploration, resumable: run again
# to continue); its points.csv, summary.md and pareto.png are copied to docs/results/codesign-lenet5/,
# and each accuracy campaign's results.csv, campaign.json and maps.jsonl.gz to its accuracy/ folder
# (what `proact campaign report --paired` reads).
# Usage: scripts/reproduce-codesign.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export OMP_WAIT_POLICY=passive
out=out/codesign-lenet5
resume=()
[ -f "$out/explore.json" ] && resume=(--resume)
"$build/sw/proact" explore --model lenet5 --arrays 16x16,32x32 --dataflows ws,os --formats fp32,int8 \
  --voltages 1.0,0.8,0.7,0.65,0.6,0.55 --protections none,models/zoo/lenet5.proact.thresholds.json \
  --ecc none,secded-39-32 --maps 100 --seed 1 --threads 2 --out "$out" "${resume[@]}"
mkdir -p docs/results/codesign-lenet5
cp "$out/points.csv" "$out/summary.md" "$out/pareto.png" docs/results/codesign-lenet5/
for group in "$out"/accuracy/*/; do
  kept="docs/results/codesign-lenet5/accuracy/$(basename "$group")"
  mkdir -p "$kept"
  cp "$group/results.csv" "$group/campaign.json" "$kept/"
  gzip -9 -n -c "$group/maps.jsonl" > "$kept/maps.jsonl.gz"
done
