#!/usr/bin/env bash
# Fault maps per second of `proact campaign` (proact-paper protocol, functional engine, incremental
# and --naive) against the same protocol as a plain PyTorch CPU loop
# (benchmarks/pytorch_paper_campaign.py), measured side by side in one run, one thread each.
# Usage: benchmarks/bench_vs_pytorch.sh [BUILD_DIR]   (env: MAPS, TORCH_MAPS, LIMIT, RATES, MODELS)
# Needs Debian's python3-torch (scripts/install-deps.sh bench installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
proact="$build/sw/proact"
python=/usr/bin/python3  # Debian's interpreter, the one python3-torch is installed for
maps=${MAPS:-40}
torch_maps=${TORCH_MAPS:-5}
limit=${LIMIT:-10000}
rates=${RATES:-1e-6 1e-5 1e-4}
models=${MODELS:-lenet5 vgg-small}
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" -c "import torch" 2>/dev/null || { echo "bench_vs_pytorch: $python has no torch; run: bash scripts/install-deps.sh bench" >&2; exit 1; }
echo "proact-paper fault maps per second, first $limit test images, 1 thread each ($maps maps ours, $torch_maps PyTorch)"
printf '%-12s %-8s %-7s %12s %12s %12s %9s %9s  %s\n' model clip ber proact naive pytorch "x naive" "x torch" "mean accuracy proact / naive / pytorch"
for model in $models; do
  for clip in none proact; do
    thresholds=none
    [ "$clip" = none ] || thresholds="models/zoo/$model.$clip.thresholds.json"
    for ber in $rates; do
      run() {  # $1: output name, then extra campaign flags
        local name=$1; shift
        rm -rf "${work:?}/$name"
        "$proact" campaign --model "$model" --thresholds "$thresholds" --fault-model proact-paper --rates "$ber" \
          --maps "$maps" --limit "$limit" --threads 1 --out "$work/$name" --json "$@" 2>/dev/null > "$work/$name.json"
      }
      run incremental
      run naive --naive
      "$python" benchmarks/pytorch_paper_campaign.py --checkpoint "models/zoo/$model.ckpt" --thresholds "$thresholds" \
        --ber "$ber" --maps "$torch_maps" --limit "$limit" > "$work/torch.json"
      "$python" - "$work" "$model" "$clip" "$ber" <<'EOF'
import json, sys
work, model, clip, ber = sys.argv[1:]
ours = {name: json.load(open(f"{work}/{name}.json")) for name in ("incremental", "naive")}
torch = json.load(open(f"{work}/torch.json"))
rate = {name: r["maps_run"] / r["wall_seconds"] for name, r in ours.items()}
acc = [100 * ours[n]["points"][0]["mean_accuracy"] for n in ("incremental", "naive")] + [100 * torch["mean_accuracy"]]
print(f"{model:<12} {clip:<8} {ber:<7} {rate['incremental']:12.2f} {rate['naive']:12.2f} {torch['maps_per_second']:12.2f} "
      f"{rate['incremental'] / rate['naive']:9.1f} {rate['incremental'] / torch['maps_per_second']:9.1f}  "
      + " / ".join(f"{a:.2f}" for a in acc))
EOF
    done
  done
done
echo "proact and naive: maps / wall seconds of the whole campaign (data loading and the clean pass included);"
echo "pytorch: maps / seconds of its map loop only. Accuracies differ by sampling only (other random streams)."
