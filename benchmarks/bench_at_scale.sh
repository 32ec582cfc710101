#!/usr/bin/env bash
# Bring-your-own-network at scale, measured side by side in one run (benchmarks/at_scale.py has
# the PyTorch side; random weights, fixed seeds):
#   1. ResNet-50 (torchvision, 3x224x224): images/s of `proact predict` (functional engine, then
#      SystemC) on three batches of the same 16 images, so one-time setup (the SystemC engine
#      compiles the program and loads its 100 MB into DRAM) is amortised as in any stream of
#      images, against PyTorch CPU inference of the 16 images with the same thread count (1 and 2);
#   2. peak RSS of `proact predict` on it against the weights plus the two largest activations;
#   3. wall time of `proact cycles --model resnet50.onnx` (ONNX read included);
#   4. a proact-paper campaign (10 maps at BER 1e-6, 1000 synthetic CIFAR-10 images) on a CIFAR
#      VGG-16 with batch norm: maps/s of `proact campaign` against the plain PyTorch loop, each
#      side's FLOP rate over the layers a map recomputes, and that work at the sgemm rate
#      (proact_bench's square_gemm/eigen, so the build's benchmarks must be built).
# Usage: benchmarks/bench_at_scale.sh [BUILD_DIR]   (env: WORK=DIR keeps the exported files there;
# about 10 minutes on 2 cores). Needs Debian's python3-torch and python3-torchvision
# (scripts/install-deps.sh fixtures).
source "$(dirname "$0")/bench-args.sh" "$@"
"$python" -c "import torch, torchvision" 2>/dev/null ||
  { echo "bench_at_scale: $python has no torch; run: bash scripts/install-deps.sh fixtures" >&2; exit 1; }

[ -f "$work/cifar/test_batch.bin" ] || "$python" benchmarks/at_scale.py export "$work"
json() { "$python" -c "import json, sys; print(json.load(sys.stdin)$1)"; }
# The default accelerator with room in its DRAM for ResNet-50's weights and its live activation
# buffers at batch 16 (330 MB; untouched DRAM pages cost no memory).
"$proact" config --preset default | "$python" -c "
import json, sys; c = json.load(sys.stdin); c['dram_bytes'] = 1 << 30; print(json.dumps(c))" > "$work/accelerator.json"

"$python" -c "
import numpy as np; x = np.load('$work/resnet50.images.npy'); np.save('$work/resnet50.stream.npy', np.concatenate([x] * 3))"
echo "1. ResNet-50, 3x224x224, batch 16, random weights: images/s (each: best of 3; proact: 3 batches)"
printf '%-8s %12s %12s %12s %10s %12s\n' threads pytorch functional systemc "func/torch" "systemc/func"
for threads in 1 2; do
  torch_rate=$("$python" benchmarks/at_scale.py infer "$work" "$threads" | json '["images_per_second"]')
  rates=()
  for engine in functional systemc; do
    best=
    for _ in 1 2 3; do
      seconds=$("$proact" predict --model "$work/resnet50.onnx" --input "$work/resnet50.stream.npy" \
        --out "$work/logits.npy" --engine "$engine" --config "$work/accelerator.json" --batch 16 --threads "$threads" \
        --json 2>/dev/null | json '["seconds"]')
      best=$("$python" -c "print(min($seconds, ${best:-1e9}))")
    done
    rates+=("$("$python" -c "print(48 / $best)")")
  done
  "$python" -c "
t, f, s = $torch_rate, ${rates[0]}, ${rates[1]}
print(f'{$threads:<8} {t:12.2f} {f:12.2f} {s:12.2f} {f / t:10.2f} {s / f:12.2f}')"
done

echo
echo "2. peak RSS of proact predict on ResNet-50, batch 16, functional engine"
/usr/bin/time -f "%M" -o "$work/rss" "$proact" predict --model "$work/resnet50.onnx" \
  --input "$work/resnet50.images.npy" --out "$work/logits.npy" --batch 16 > /dev/null 2>&1
"$python" - "$work" "$(cat "$work/rss")" <<'PY'
import sys
import onnx
from onnx import shape_inference
work, rss_kib = sys.argv[1], int(sys.argv[2])
model = onnx.load(f"{work}/resnet50.onnx")
weights = sum(4 * int(__import__("numpy").prod(t.dims)) for t in model.graph.initializer)
inferred = shape_inference.infer_shapes(model)
sizes = []
for v in list(inferred.graph.value_info) + list(inferred.graph.output):
    dims = [d.dim_value if d.dim_value else 16 for d in v.type.tensor_type.shape.dim]
    n = 4
    for d in dims: n *= d
    sizes.append(n)
activations = sum(sorted(sizes)[-2:])
bound = 2 * weights + activations
mib = 1 << 20
print(f"peak RSS {rss_kib / 1024:.0f} MiB; weights {weights / mib:.0f} MiB, two largest activations at batch 16 "
      f"{activations / mib:.0f} MiB; goal <= 2 x weights + activations = {bound / mib:.0f} MiB: "
      f"{rss_kib * 1024 / bound:.2f} of it")
PY

echo
echo "3. proact cycles --model resnet50.onnx (wall time, ONNX read included; best of 3)"
best=
for _ in 1 2 3; do
  start=$(date +%s.%N)
  "$proact" cycles --model "$work/resnet50.onnx" --preset default > /dev/null
  end=$(date +%s.%N)
  best=$("$python" -c "print(min(x for x in ($end - $start, ${best:-1e9})))")
done
"$python" -c "print(f'{$best:.3f} s (goal: under 0.1 s)')"

echo
echo "4. proact-paper campaign, CIFAR VGG-16-BN, 10 maps at BER 1e-6, 1000 images, 1 thread each"
rm -rf "$work/campaign"
"$proact" campaign --model "$work/vgg16.onnx" --data "cifar10:$work/cifar" --thresholds none \
  --fault-model proact-paper --rates 1e-6 --maps 10 --threads 1 --out "$work/campaign" --json \
  2>/dev/null > "$work/campaign.json"
"$python" benchmarks/at_scale.py campaign "$work" 1e-6 10 > "$work/torch_campaign.json"
"$proact" cycles --model "$work/vgg16.onnx" --json > "$work/vgg16_layers.json"
"$build/benchmarks/proact_bench" --benchmark_filter='^square_gemm/eigen$' --benchmark_out="$work/sgemm.json" \
  --benchmark_out_format=json > /dev/null 2>&1
"$python" - "$work" 1e-6 1000 <<'PY'
import json, math, sys
work, ber, images = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
maps = [json.loads(line) for line in open(f"{work}/campaign/maps.jsonl")]
ours = len(maps) / sum(m["seconds"] for m in maps)
wall = json.load(open(f"{work}/campaign.json"))
torch = json.load(open(f"{work}/torch_campaign.json"))
sgemm = json.load(open(f"{work}/sgemm.json"))["benchmarks"][0]["FLOP/s"]
# The protocol flips floor(weights x 32 x BER) words per layer: the first layer with one is where
# every map's recomputation starts (its clean prefix is reused), and all that follows is recomputed.
layers = json.load(open(f"{work}/vgg16_layers.json"))["layers"]
first = next(i for i, l in enumerate(layers) if math.floor(l["n"] * l["k"] * 32 * ber) >= 1)
flops = 2 * sum(l["macs"] for l in layers[first:]) * images  # per map
share = sum(l["macs"] for l in layers[first:]) / sum(l["macs"] for l in layers)
print(f"{'':<10} {'maps/s':>8} {'x torch':>8} {'GFLOP/s':>8}  mean accuracy %")
print(f"{'proact':<10} {ours:8.3f} {ours / torch['maps_per_second']:8.2f} {ours * flops / 1e9:8.1f}  "
      f"{100 * wall['points'][0]['mean_accuracy']:.2f} (map loop; whole campaign {len(maps) / wall['wall_seconds']:.3f} maps/s)")
print(f"{'pytorch':<10} {torch['maps_per_second']:8.3f} {1:8.2f} {torch['maps_per_second'] * flops / 1e9:8.1f}  "
      f"{100 * torch['mean_accuracy']:.2f}")
print(f"every map recomputes from {layers[first]['name']} on (the first layer with a flip), {100 * share:.1f} % of the "
      f"FLOPs; at this machine's sgemm rate ({sgemm / 1e9:.1f} GFLOP/s) that is {sgemm / flops:.3f} maps/s")
print(f"goal: at least 3x (10x where the first faulted layer is deep), which needs "
      f"{3 * torch['maps_per_second'] * flops / 1e9:.0f} GFLOP/s, {3 * torch['maps_per_second'] * flops / sgemm:.1f}x "
      f"the sgemm rate; each side draws its own maps")
PY
