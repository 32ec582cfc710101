#!/usr/bin/env bash
# The accelerator as architects judge it, per zoo model (and ResNet-50 from ONNX when Debian's
# python3-torchvision is installed), measured side by side in one run:
#   1. on the default preset (batch 64, ResNet-50 16; functional engine: SystemC's numbers), with the
#      post-processing unit's fusion and without (fuse_post_processing=false): descriptors, cycles
#      per image, the share of cycles in non-GEMM descriptors, DRAM traffic per image, and how
#      close the network comes to its roofline bound (sum of the layers' bounds / cycles);
#   2. wall time of `proact simulate` on the SystemC engine against the functional one on the
#      same images (best of 3 each), the ratio being what the goal (within 1.5x) is about.
# Usage: benchmarks/bench_accelerator.sh [BUILD_DIR]   (env: WORK=DIR keeps ResNet-50's export;
# about 2 minutes on 2 cores without ResNet-50, 10 with it).
source "$(dirname "$0")/bench-args.sh" "$@"

"$proact" config --preset default > "$work/fused.json"
"$python" -c "
import json; c = json.load(open('$work/fused.json')); c['fuse_post_processing'] = False
json.dump(c, open('$work/unfused.json', 'w'))"
models=(lenet5 vgg-small resnet-small)
declare -A extra=([lenet5]="--limit 64 --batch 64" [vgg-small]="--limit 64 --batch 64" [resnet-small]="--limit 64 --batch 64")
if "$python" -c "import torch, torchvision" 2>/dev/null; then
  [ -f "$work/resnet50.onnx" ] || "$python" benchmarks/at_scale.py export "$work" > /dev/null
  "$python" -c "
import numpy as np; np.save('$work/resnet50.labels.npy', np.zeros(len(np.load('$work/resnet50.images.npy')), dtype=np.uint8))"
  for config in fused unfused; do  # room in DRAM for ResNet-50's weights and activations
    "$python" -c "
import json; c = json.load(open('$work/$config.json')); c['dram_bytes'] = 1 << 30; json.dump(c, open('$work/$config.json', 'w'))"
  done
  models+=("$work/resnet50.onnx")
  extra["$work/resnet50.onnx"]="--data npy:$work/resnet50.images.npy,$work/resnet50.labels.npy --limit 16 --batch 16"
else
  echo "(ResNet-50 left out: $python has no torchvision; bash scripts/install-deps.sh fixtures installs it)"
fi

summary() {  # stdin: simulate --json; prints descriptors, cycles/image, non-GEMM %, DRAM KiB/image, bound %
  "$python" -c "
import json, sys
r = json.load(sys.stdin); layers = r['layers']; images = r['images']
cycles = sum(l['cycles'] for l in layers)
other = sum(l['cycles'] for l in layers if l['op'] not in ('conv', 'dense'))
dram = sum(l['dram_bytes'] for l in layers)
bound = sum(l['roofline_cycles'] for l in layers)
print('%d %.0f %.1f %.1f %.1f' % (len(layers), cycles / images, 100 * other / cycles, dram / images / 1024, 100 * bound / cycles))"
}

echo "1. default preset (32x32 WS, DRAM 4 words/cycle, 100 cycles latency), batch 64 (ResNet-50: 16), functional engine"
printf '%-14s | %-44s | %-44s\n' "" "fused (default)" "unfused (fuse_post_processing=false)"
printf '%-14s | %5s %12s %8s %10s %6s | %5s %12s %8s %10s %6s\n' model desc cycles/image non-GEMM% "DRAM KiB" bound% \
  desc cycles/image non-GEMM% "DRAM KiB" bound%
for model in "${models[@]}"; do
  row=()
  for config in fused unfused; do
    # shellcheck disable=SC2086  # the data option splits on purpose
    read -r -a values <<< "$("$proact" simulate --model "$model" ${extra[$model]} --config "$work/$config.json" \
      --engine functional --json | summary)"
    row+=("${values[@]}")
  done
  printf '%-14s | %5s %12s %8s %10s %6s | %5s %12s %8s %10s %6s\n' "$(basename "$model" .onnx)" "${row[@]}"
done

echo
echo "2. wall time of proact simulate, default preset, the first 1000 test images (best of 3)"
printf '%-14s %12s %12s %16s\n' model functional systemc systemc/functional
best() {  # best wall seconds of 3 runs of `proact simulate "$@"`
  local best_time=""
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$proact" simulate "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    best_time=$("$python" -c "t = $end - $start; b = '$best_time'; print(min(t, float(b)) if b else t)")
  done
  echo "$best_time"
}
for model in lenet5 vgg-small resnet-small; do
  functional=$(best --model "$model" --engine functional --limit 1000)
  systemc=$(best --model "$model" --engine systemc --limit 1000)
  "$python" -c "print('%-14s %12.2f %12.2f %16.2f' % ('$model', $functional, $systemc, $systemc / $functional))"
done
