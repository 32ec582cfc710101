#!/usr/bin/env bash
# Fault maps per second of `proact campaign` (proact-paper protocol, functional engine, incremental
# and --naive) against the same protocol as a plain PyTorch CPU loop
# (benchmarks/pytorch_paper_campaign.py), measured side by side in one run, one thread each: one
# row per BER and a "sweep" row for the whole list of BERs, as a campaign runs them. Beside them,
# the physical limit of a map whose every layer is faulted: one forward pass over the images at
# this machine's one-thread Eigen sgemm FLOP rate (proact_bench's square_gemm/eigen). Then the
# sweep on two threads, ours against our one thread and against PyTorch on two. Last, one line per
# goal and point: "met" or by how much the measurement falls short.
# Usage: benchmarks/bench_vs_pytorch.sh [BUILD_DIR]   (env: MAPS, TORCH_MAPS, LIMIT, RATES, MODELS)
# Needs Debian's python3-torch (scripts/install-deps.sh bench installs it).
source "$(dirname "$0")/bench-args.sh" "$@"
maps=${MAPS:-20}
torch_maps=${TORCH_MAPS:-5}
limit=${LIMIT:-10000}
rates=${RATES:-1e-6,1e-5,1e-4}
models=${MODELS:-lenet5 vgg-small resnet-small}
export OMP_NUM_THREADS=1

images=$(( limit < 10000 ? limit : 10000 ))  # the Fashion-MNIST test split

"$python" -c "import torch" 2>/dev/null || { echo "bench_vs_pytorch: $python has no torch; run: bash scripts/install-deps.sh bench" >&2; exit 1; }
"$build/benchmarks/proact_bench" --benchmark_filter='^square_gemm/eigen$' --benchmark_out="$work/sgemm.json" \
  --benchmark_out_format=json > /dev/null 2>&1
sgemm=$("$python" -c "import json; print(json.load(open('$work/sgemm.json'))['benchmarks'][0]['FLOP/s'])")
"$python" -c "print(f'Eigen sgemm on this machine, 1 thread: {$sgemm / 1e9:.1f} GFLOP/s (the physical limit below)')"
echo "proact-paper fault maps per second, first $limit test images, 1 thread each ($maps maps per BER ours, $torch_maps PyTorch)"
printf '%-12s %-7s %-6s %10s %10s %10s %10s %8s %8s %8s %6s  %s\n' model clip ber proact "(wall)" naive pytorch "x torch" "(wall)" \
  bound "/naive" "mean accuracy % proact / naive / pytorch"
for model in $models; do
  # A map's every layer recomputed at the sgemm rate: maps/s = rate / (FLOPs per image * images).
  "$proact" cycles --model "$model" --json > "$work/$model-layers.json"
  bound=$("$python" -c "
import json; flops = 2 * sum(l['macs'] for l in json.load(open('$work/$model-layers.json'))['layers']); print($sgemm / (flops * $images))")
  for clip in none proact; do
    thresholds=none
    [ "$clip" = none ] || thresholds="models/zoo/$model.$clip.thresholds.json"
    for variant in incremental naive; do
      flags=()
      [ "$variant" = naive ] && flags=(--naive)
      "$proact" campaign --model "$model" --thresholds "$thresholds" --fault-model proact-paper --rates "$rates" \
        --maps "$maps" --limit "$limit" --threads 1 --out "$work/$model-$clip-$variant" --json "${flags[@]}" \
        2>/dev/null > "$work/$model-$clip-$variant.json"
    done
    "$python" benchmarks/pytorch_paper_campaign.py --checkpoint "models/zoo/$model.ckpt" --thresholds "$thresholds" \
      --bers "$rates" --maps "$torch_maps" --limit "$limit" > "$work/$model-$clip-torch.json"
    "$python" - "$work/$model-$clip" "$model" "$clip" "$bound" "$work/points.jsonl" <<'PY'
import collections, json, sys
base, model, clip, bound, points = sys.argv[1:4] + [float(sys.argv[4]), sys.argv[5]]
ours = {v: json.load(open(f"{base}-{v}.json")) for v in ("incremental", "naive")}
torch = json.load(open(f"{base}-torch.json"))
loop = {v: collections.defaultdict(float) for v in ours}   # rate -> seconds of its maps
count = {v: collections.Counter() for v in ours}
for v in ours:
    for line in open(f"{base}-{v}/maps.jsonl"):
        record = json.loads(line)
        loop[v][record["rate"]] += record["seconds"]
        count[v][record["rate"]] += 1
accuracy = {v: {p["rate"]: 100 * p["mean_accuracy"] for p in ours[v]["points"]} for v in ours}
rows = []
for p in torch["points"]:
    r = p["ber"]
    rows.append([f"{r:g}", count["incremental"][r], loop["incremental"][r], None, count["naive"][r], loop["naive"][r],
                 p["maps"], p["seconds"],
                 f"{accuracy['incremental'][r]:.2f} / {accuracy['naive'][r]:.2f} / {100 * p['mean_accuracy']:.2f}"])
sweep = ["sweep"] + [sum(row[i] for row in rows) if i != 3 else ours["incremental"]["wall_seconds"] for i in range(1, 8)]
rows.append(sweep + [""])
for ber, n, s, wall, n_naive, s_naive, n_torch, s_torch, acc in rows:
    ours_rate, torch_rate = n / s, n_torch / s_torch
    wall_rate = f"{n / wall:10.1f}" if wall else f"{'-':>10}"
    wall_ratio = f"{n / wall / torch_rate:8.1f}" if wall else f"{'-':>8}"
    print(f"{model:<12} {clip:<7} {ber:<6} {ours_rate:10.1f} {wall_rate} {n_naive / s_naive:10.2f} "
          f"{torch_rate:10.2f} {ours_rate / torch_rate:8.1f} {wall_ratio} {bound:8.2f} {bound * s_naive / n_naive:6.2f}  {acc}")
    if ber != "sweep":
        with open(points, "a") as out:
            out.write(json.dumps({"model": model, "clip": clip, "ber": float(ber), "ours": ours_rate,
                                  "naive": n_naive / s_naive, "torch": torch_rate, "bound": bound}) + "\n")
PY
  done
done
echo "maps per second of the map loop (inject, infer, score; per-map seconds from maps.jsonl for ours);"
echo "(wall): the whole proact campaign over all the BERs, data loading and the fault-free pass included."
echo "sweep: all the BERs above together, as one campaign runs them (maps over seconds, summed)."
echo "bound: maps/s of a full forward pass at the sgemm rate (every layer faulted); /naive: bound over the"
echo "naive column, which recomputes every layer (goal: at most 1.3)."
echo "Accuracies differ by sampling only: each side draws its maps from its own random stream."

echo
echo "Two threads: the sweep ($rates), unprotected, in maps/s of the map loop's wall time"
printf '%-12s %10s %10s %8s %10s %8s\n' model "proact 1t" "proact 2t" scaling "pytorch 2t" "x torch"
for model in $models; do
  OMP_NUM_THREADS=2 "$proact" campaign --model "$model" --thresholds none --fault-model proact-paper --rates "$rates" \
    --maps "$maps" --limit "$limit" --threads 2 --out "$work/$model-two" --json 2>/dev/null > "$work/$model-two.json"
  OMP_NUM_THREADS=2 "$python" benchmarks/pytorch_paper_campaign.py --checkpoint "models/zoo/$model.ckpt" --thresholds none \
    --bers "$rates" --maps "$torch_maps" --limit "$limit" --threads 2 > "$work/$model-two-torch.json"
  "$python" - "$work" "$model" "$work/scaling.jsonl" <<'PY'
import json, sys
work, model, scaling = sys.argv[1:]
def rate(run):  # maps over the wall time of the map runs (loading and the fault-free pass left out)
    report = json.load(open(f"{work}/{run}.json"))
    return report["maps_run"] / report["map_seconds"]
one, two = rate(f"{model}-none-incremental"), rate(f"{model}-two")
torch = json.load(open(f"{work}/{model}-two-torch.json"))["points"]
torch_rate = sum(p["maps"] for p in torch) / sum(p["seconds"] for p in torch)
print(f"{model:<12} {one:10.2f} {two:10.2f} {two / one:8.2f} {torch_rate:10.2f} {two / torch_rate:8.1f}")
with open(scaling, "a") as out:
    out.write(json.dumps({"model": model, "scaling": two / one}) + "\n")
PY
done
echo "scaling: two threads (one map per thread) over one (goal: at least 1.8); x torch: against PyTorch's"
echo "loop on two threads."

echo
"$python" - "$work" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)" "$build" <<'PY'
import json, math, sys
work, cpu, build = sys.argv[1:]
points = [json.loads(line) for line in open(f"{work}/points.jsonl")]
scaling = [json.loads(line) for line in open(f"{work}/scaling.jsonl")]
print(f"Goals on this machine ({cpu.strip()}, {build}). The protocol flips floor(numel * 32 * BER) bits of every")
print("weight and bias tensor, so the first faulted layer of a point is known; every layer before it is a")
print("clean prefix a map reuses, and what the map must recompute, at the sgemm rate, bounds its speed.")
def goal(text, subject, value, target, at_least, note=""):
    met = value >= target if at_least else value <= target
    verdict = "met" if met else f"short by {100 * abs(value - target) / target:.1f} %"
    print(f"  {text:<36} {subject:<27} {value:7.2f}  {verdict}{note}")
for p in points:
    layers = json.load(open(f"{work}/{p['model']}-layers.json"))["layers"]
    faulted = [math.floor(l["n"] * l["k"] * 32 * p["ber"]) + math.floor(l["n"] * 32 * p["ber"]) > 0 for l in layers]
    first = faulted.index(True) if True in faulted else len(layers)
    # Maps/s with every layer from the first faulted one recomputed at the sgemm rate (the full
    # forward pass's bound scaled by the MACs left).
    share = sum(l["macs"] for l in layers[first:]) / sum(l["macs"] for l in layers)
    limit = p["bound"] / share if share else math.inf
    subject = f"{p['model']} {p['clip']} {p['ber']:g}"
    ratio = p["ours"] / p["torch"]
    where = f"first faulted {layers[first]['name']}, {100 * share:.0f} % of the MACs" if first < len(layers) else "none faulted"
    # 3x at every point; 10x where a prefix is reused. Short of one: what it needs, as a share of the bound.
    for target in (3, 10) if first > 0 else (3,):
        need = target * p["torch"] / limit
        goal(f"x PyTorch >= {target}" + (" (prefix reused)" if target == 10 else ""), subject, ratio, target, True,
             "" if ratio >= target else f" ({where}: {target}x is {need:.2f} of its bound)")
    goal("naive / bound <= 1.3", subject, p["bound"] / p["naive"], 1.3, False)
for s in scaling:
    goal("two threads / one >= 1.8", s["model"], s["scaling"], 1.8, True)
PY
