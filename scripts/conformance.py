#!/usr/bin/python3
"""ONNX conformance at full size, outside the test suite (scripts/conformance.sh runs it).

Usage: conformance.py export OUT_DIR        torchvision's resnet18, resnet50 and mobilenet_v2
                                            (1x3x224x224) and a CIFAR VGG-16-BN (3x32x32), random
                                            weights (torch.manual_seed), eval mode, exported with
                                            torch.onnx.export (opset 13, dynamic batch) as
                                            OUT_DIR/<model>.onnx, with 2 random images
                                            (<model>.input.npy) and PyTorch's logits for them
                                            (<model>.torch.npy)
       conformance.py compare OUT_DIR       a table: model, parameters, max |diff| / max |logit|
                                            against <model>.proact.npy, and top-1 agreement
Needs Debian's python3-torch, python3-torchvision, python3-onnx and python3-numpy.
"""
import os
import sys

import numpy as np

MODELS = ["resnet18", "resnet50", "mobilenet_v2", "vgg16_bn_cifar"]
IMAGES = 2


def build(name):
    """The model in eval mode and its per-sample input shape."""
    import torch
    from torch import nn
    import torchvision

    if name == "vgg16_bn_cifar":
        # VGG-16 with batch norm as trained on CIFAR-10: torchvision's conv stack (configuration
        # D), then 512 -> 10 (the 32x32 input leaves 512x1x1).
        from torchvision.models.vgg import cfgs, make_layers
        model = nn.Sequential(make_layers(cfgs["D"], batch_norm=True), nn.Flatten(1), nn.Linear(512, 10))
        shape = (3, 32, 32)
    else:
        model = getattr(torchvision.models, name)(weights=None)
        shape = (3, 224, 224)
    # Batch-norm statistics away from their defaults, so that folding them is exercised.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(0.1 * torch.randn_like(m.running_mean))
                m.running_var.copy_(0.5 + torch.rand_like(m.running_var))
    return model.eval(), shape


def export(out):
    import torch

    os.makedirs(out, exist_ok=True)
    for i, name in enumerate(MODELS):
        torch.manual_seed(i)
        model, shape = build(name)
        images = torch.rand((IMAGES,) + shape)
        with torch.no_grad():
            logits = model(images)
        torch.onnx.export(model, images, os.path.join(out, name + ".onnx"), opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        np.save(os.path.join(out, name + ".input.npy"), images.numpy())
        np.save(os.path.join(out, name + ".torch.npy"), logits.numpy())
        parameters = sum(p.numel() for p in model.parameters())
        with open(os.path.join(out, name + ".parameters"), "w") as f:
            f.write(str(parameters))


def compare(out):
    rows = [("model", "parameters", "max |diff| / max |logit|", "max |diff|", "top-1 agreement")]
    failed = False
    for name in MODELS:
        expected = np.load(os.path.join(out, name + ".torch.npy"))
        path = os.path.join(out, name + ".proact.npy")
        with open(os.path.join(out, name + ".parameters")) as f:
            parameters = int(f.read())
        if not os.path.exists(path):
            rows.append((name, f"{parameters:,}", "no logits", "", ""))
            failed = True
            continue
        logits = np.load(path).reshape(expected.shape)
        diff = float(np.max(np.abs(logits - expected)))
        relative = diff / float(np.max(np.abs(expected)))
        agree = int(np.sum(np.argmax(logits, 1) == np.argmax(expected, 1)))
        failed |= relative > 1e-3 or agree != len(expected)
        rows.append((name, f"{parameters:,}", f"{relative:.2e}", f"{diff:.2e}", f"{agree}/{len(expected)}"))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("export", "compare"):
        sys.exit(__doc__)
    sys.exit(export(sys.argv[2]) if sys.argv[1] == "export" else compare(sys.argv[2]))
