#!/usr/bin/env bash
# ONNX conformance at full size, outside the test suite: torchvision's resnet18, resnet50 and
# mobilenet_v2 (3x224x224) and a CIFAR VGG-16-BN (3x32x32) with random weights, exported by
# PyTorch (opset 13, dynamic batch), imported by proact, and compared with PyTorch's logits on 2
# random images. Prints a table: model, parameters, max |diff| / max |logit|, max |diff|, top-1
# agreement; exits 1 when a model exceeds 1e-3 relative or disagrees on a top-1 class.
# Usage: scripts/conformance.sh [OUT_DIR]   (default /tmp/proact-conformance; about 10 minutes on 2 cores)
# Needs `proact predict --model M --input X.npy --out Y.npy` (logits of the images in X.npy) on
# PATH; extra flags for it go in PROACT_PREDICT_ARGS (e.g. "--dataflow ws --rows 32"). And
# /usr/bin/python3 with Debian's python3-torch, python3-torchvision, python3-onnx, python3-numpy.
set -eo pipefail
out=${1:-/tmp/proact-conformance}
here=$(dirname "$0")
/usr/bin/python3 "$here/conformance.py" export "$out"
for model in resnet18 resnet50 mobilenet_v2 vgg16_bn_cifar; do
  # shellcheck disable=SC2086  # PROACT_PREDICT_ARGS is a list of flags
  proact predict --model "$out/$model.onnx" --input "$out/$model.input.npy" --out "$out/$model.proact.npy" \
    $PROACT_PREDICT_ARGS
done
/usr/bin/python3 "$here/conformance.py" compare "$out"
