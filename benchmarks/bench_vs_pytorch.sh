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
printf '%-12s %-7s %-6s %10s %10s %10s %10s %8s %8s  %s\n' model clip ber proact "(wall)" naive pytorch "x torch" "(wall)" \
  "mean accuracy % proact / naive / pytorch"
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
loop = {name: sum(json.loads(line)["seconds"] for line in open(f"{work}/{name}/maps.jsonl")) for name in ours}
rate = {name: r["maps_run"] / loop[name] for name, r in ours.items()}
wall = ours["incremental"]["maps_run"] / ours["incremental"]["wall_seconds"]
torch = json.load(open(f"{work}/torch.json"))["maps_per_second"]
acc = [100 * ours[n]["points"][0]["mean_accuracy"] for n in ("incremental", "naive")]
acc.append(100 * json.load(open(f"{work}/torch.json"))["mean_accuracy"])
print(f"{model:<12} {clip:<7} {ber:<6} {rate['incremental']:10.1f} {wall:10.1f} {rate['naive']:10.2f} {torch:10.2f} "
      f"{rate['incremental'] / torch:8.1f} {wall / torch:8.1f}  " + " / ".join(f"{a:.2f}" for a in acc))
EOF
    done
  done
done
echo "maps per second of the map loop (inject, infer, score; per-map seconds from maps.jsonl for ours);"
echo "(wall): the whole proact campaign, data loading and the fault-free pass included."
echo "Accuracies differ by sampling only: each side draws its maps from its own random stream."
