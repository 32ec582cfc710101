#!/usr/bin/env bash
# Writes the SCALE-Sim topologies of the torchvision networks scripts/conformance.sh checks
# (resnet18, resnet50, mobilenet_v2 at 3x224x224, a CIFAR VGG-16-BN at 3x32x32) into
# examples/scalesim/, with `proact cycles --model M.onnx --topology-out`. The rows depend on the
# architectures only, not on the random weights the export uses.
# Usage: scripts/torchvision-topologies.sh [BUILD_DIR]   (needs python3-torchvision: install-deps.sh fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 scripts/conformance.py export "$work" > /dev/null
for model in resnet18 resnet50 mobilenet_v2 vgg16_bn_cifar; do
  "$build/sw/proact" cycles --model "$work/$model.onnx" --topology-out "examples/scalesim/$model.csv" > /dev/null
  echo "examples/scalesim/$model.csv"
done
