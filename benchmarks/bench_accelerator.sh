#!/usr/bin/env bash
# The accelerator as architects judge it, per zoo model (and ResNet-50 from ONNX when Debian's
# python3-torchvision is installed), measured side by side in one run:
#   1. on the default preset at batch 1 and 64 (ResNet-50: 1 and 16; functional engine: SystemC's
#      numbers), as it is (post-processing fusion, on-chip activations), without on-chip
#      activations, and without both: cycles per image, DRAM traffic per image, the share of
#      cycles in non-GEMM descriptors, and how close the network comes to its roofline bound (sum
#      of the layers' bounds / cycles);
#   2. wall time of `proact simulate` on the SystemC engine against the functional one on the
#      same images (best of 3 each), the ratio being what the goal (within 1.5x) is about.
# Usage: benchmarks/bench_accelerator.sh [BUILD_DIR]   (env: WORK=DIR keeps ResNet-50's export;
# about 2 minutes on 2 cores without ResNet-50, 10 with it).
source "$(dirname "$0")/bench-args.sh" "$@"

# default: fusion and on-chip activations; off-chip: fusion, every result in DRAM; unfused: neither.
"$proact" config --preset default > "$work/default.json"
"$python" -c "
import json
c = json.load(open('$work/default.json'))
c['on_chip_activations'] = False; json.dump(c, open('$work/off-chip.json', 'w'))
c['fuse_post_processing'] = False; json.dump(c, open('$work/unfused.json', 'w'))"
runs=("lenet5 1" "lenet5 64" "vgg-small 1" "vgg-small 64" "resnet-small 1" "resnet-small 64")
data=()
if "$python" -c "import torch, torchvision" 2>/dev/null; then
  [ -f "$work/resnet50.onnx" ] || "$python" benchmarks/at_scale.py export "$work" > /dev/null
  "$python" -c "
import numpy as np; np.save('$work/resnet50.labels.npy', np.zeros(len(np.load('$work/resnet50.images.npy')), dtype=np.uint8))"
  for config in default off-chip unfused; do  # room in DRAM for ResNet-50's weights and activations
    "$python" -c "
import json; c = json.load(open('$work/$config.json')); c['dram_bytes'] = 1 << 30; json.dump(c, open('$work/$config.json', 'w'))"
  done
  runs+=("$work/resnet50.onnx 1" "$work/resnet50.onnx 16")
  data=(--data "npy:$work/resnet50.images.npy,$work/resnet50.labels.npy")
else
  echo "(ResNet-50 left out: $python has no torchvision; bash scripts/install-deps.sh fixtures installs it)"
fi

summary() {  # stdin: simulate --json; prints cycles/image, DRAM KiB/image, non-GEMM %, bound %
  "$python" -c "
import json, sys
r = json.load(sys.stdin); layers = r['layers']; images = r['images']
cycles = sum(l['cycles'] for l in layers)
other = sum(l['cycles'] for l in layers if l['op'] not in ('conv', 'dense'))
dram = sum(l['dram_bytes'] for l in layers)
bound = sum(l['roofline_cycles'] for l in layers)
print('%.0f %.1f %.1f %.1f' % (cycles / images, dram / images / 1024, 100 * other / cycles, 100 * bound / cycles))"
}

echo "1. default preset (32x32 WS, DRAM 4 words/cycle, 100 cycles latency, 2 x 256 KiB activation SRAM), functional engine"
echo "   default: fusion and on-chip activations; off-chip: fusion, every result in DRAM; unfused: neither (the old design)"
printf '%-14s %5s | %-37s | %-22s | %-31s\n' "" "" "default" "off-chip" "unfused"
printf '%-14s %5s | %11s %9s %9s %6s | %11s %10s | %11s %10s %8s\n' model batch cycles/img "DRAM KiB" non-GEMM% \
  bound% cycles/img "DRAM KiB" cycles/img "DRAM KiB" non-GEMM%
for run in "${runs[@]}"; do
  read -r model batch <<< "$run"
  extra=()
  [[ $model == *.onnx ]] && extra=("${data[@]}")
  values=()
  for config in default off-chip unfused; do
    read -r -a got <<< "$("$proact" simulate --model "$model" "${extra[@]}" --config "$work/$config.json" \
      --engine functional --limit "$batch" --batch "$batch" --json | summary)"
    values+=("${got[@]}")
  done
  printf '%-14s %5s | %11s %9s %9s %6s | %11s %10s | %11s %10s %8s\n' "$(basename "$model" .onnx)" "$batch" \
    "${values[0]}" "${values[1]}" "${values[2]}" "${values[3]}" "${values[4]}" "${values[5]}" "${values[8]}" \
    "${values[9]}" "${values[10]}"
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
