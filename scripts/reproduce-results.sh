#!/usr/bin/env bash
# The campaigns behind docs/results.md, with the committed zoo checkpoints and threshold files.
# Usage: scripts/reproduce-results.sh [BUILD_DIR] [MODEL...]   (default: build, all three models)
# Outputs: out/results/<model>-{paper,bernoulli,voltage}/ (maps.jsonl, results.csv, campaign.json, plot);
# each finished campaign's results.csv and campaign.json are copied to docs/results/<campaign>/ and its
# plot to docs/results/<campaign>.png, the small files docs/results.md is checked against.
# Env: NP=N runs every campaign on N MPI ranks (same numbers as one process); PAPER_IMAGES and
# HW_IMAGES override the test images per campaign (0 = all 10000). An interrupted run continues
# where it stopped when started again (--resume).
source "$(dirname "$0")/zoo-args.sh" "$@"
proact=("$build/sw/proact")
if [ "${NP:-1}" -gt 1 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  proact=(mpirun -np "$NP" "$build/sw/proact")
fi
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive

campaign() {  # $1: campaign name (<model>-<kind>), then campaign flags
  local name=$1; shift
  local out="out/results/$name" resume=()
  [ -f "$out/campaign.json" ] && resume=(--resume)
  "${proact[@]}" campaign --out "$out" "${resume[@]}" --seed 1 --maps 100 "$@"
  mkdir -p "docs/results/$name"
  cp "$out/results.csv" "$out/campaign.json" "docs/results/$name/"
  cp "$out/accuracy_vs_rate.png" "docs/results/$name.png"
}

for model in "${models[@]}"; do
  zoo="models/zoo/$model"
  # lenet5 on its whole test split; the larger models on the first 2000 (accelerator: 1000) test images.
  case "$model" in
    lenet5) paper_images=${PAPER_IMAGES:-0} hw_images=${HW_IMAGES:-2000} engine=systemc ;;
    *) paper_images=${PAPER_IMAGES:-2000} hw_images=${HW_IMAGES:-1000} engine=functional ;;
  esac
  # The paper's protocol: every method, Q15.16 weights, biases and neuron-wise thresholds.
  campaign "$model-paper" --model "$model" --limit "$paper_images" --fault-model proact-paper \
    --thresholds none --thresholds "$zoo.ranger.thresholds.json" --thresholds "$zoo.ftclipact.thresholds.json" \
    --thresholds "$zoo.fitact.thresholds.json" --thresholds "$zoo.proact.thresholds.json" \
    --rates 1e-7,1e-6,3e-6,1e-5,3e-5,1e-4,3e-4
  # The accelerator in hardware clip mode (FitAct's thresholds do not fit its one threshold table):
  # physical weight-SRAM cells, Q15.16 words, the thresholds in their registers and table, faulted too.
  hardware=(--model "$model" --limit "$hw_images" --engine "$engine" --threshold-faults
            --thresholds none --thresholds "$zoo.ranger.thresholds.json"
            --thresholds "$zoo.ftclipact.thresholds.json" --thresholds "$zoo.proact.thresholds.json")
  campaign "$model-bernoulli" "${hardware[@]}" --fault-model bernoulli \
    --rates 1e-7,1e-6,1e-5,3e-5,1e-4,3e-4
  campaign "$model-voltage" "${hardware[@]}" --fault-model voltage \
    --rates 0.9,0.8,0.75,0.7,0.65,0.6
done
