#!/usr/bin/env bash
# Reproduces the committed threshold files (models/zoo/<model>.<method>.thresholds.json) from the
# committed checkpoints, with default knobs and seed 1, then prints the report table of each model.
# Usage: scripts/make-thresholds.sh [BUILD_DIR] [MODEL...]   (default: build, all three models)
# Env: ZOO_OUT=DIR writes the files there instead of models/zoo (scripts/check-artifacts.sh);
# SEED=S trains with seed S (default 1, the seed of the committed files; another seed needs ZOO_OUT,
# so the committed files stay), for the spread of a method over training seeds.
# Methods: ranger, ranger-nw, ftclipact, fitact, proact (docs/thresholds.md). One thread per run:
# on a shared 2-core machine OpenMP threads only spin against each other for batches of 64 small
# images.
source "$(dirname "$0")/zoo-args.sh" "$@"
proact="$build/sw/proact"
seed=${SEED:-1}
if [ "$seed" != 1 ] && [ -z "${ZOO_OUT:-}" ]; then
  echo "make-thresholds: SEED=$seed needs ZOO_OUT=DIR (models/zoo holds seed 1's files)" >&2
  exit 2
fi
export OMP_WAIT_POLICY=passive

for model in "${models[@]}"; do
  files=()
  for method in ranger ranger-nw ftclipact fitact proact; do
    out="${ZOO_OUT:-models/zoo}/$model.$method.thresholds.json"
    "$proact" thresholds --model "$model" --method "$method" --seed "$seed" --threads 1 --out "$out"
    files+=("$out")
  done
  "$proact" thresholds --report "${files[@]}"
done
