#!/usr/bin/env bash
# Records the golden register traces (traces/<model>.trace.gz): each zoo model with its ProAct
# thresholds on the default accelerator, the first two Fashion-MNIST test images. Run it when a
# change to the hardware's behaviour or the register map is meant, and say why in the commit;
# `ctest -L traces` replays them.
# Usage: scripts/record-traces.sh [BUILD_DIR] [MODEL...]   (default: build, all three models)
source "$(dirname "$0")/zoo-args.sh" "$@"
proact="$build/sw/proact"

for model in "${models[@]}"; do
  "$proact" trace record --model "$model" --thresholds "models/zoo/$model.proact.thresholds.json" --images 2 \
    --out "traces/$model.trace.gz"
done
