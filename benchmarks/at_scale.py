#!/usr/bin/python3
"""The PyTorch side of benchmarks/bench_at_scale.sh: the models and data it measures, and
PyTorch's own timings of the same work.

Usage: at_scale.py export DIR            DIR/resnet50.onnx (torchvision, 3x224x224) with
                                         DIR/resnet50.images.npy (16 images), DIR/vgg16.onnx (a
                                         CIFAR VGG-16 with batch norm, 3x32x32) and
                                         DIR/cifar/test_batch.bin (1000 synthetic CIFAR-10 images
                                         in the official binary format); random weights, fixed seeds
       at_scale.py infer DIR THREADS     images/s of ResNet-50 inference on DIR/resnet50.images.npy
                                         with THREADS threads (best of 3), as one JSON object
       at_scale.py campaign DIR BER MAPS the proact-paper protocol on the VGG-16 as a plain PyTorch
                                         loop (benchmarks/pytorch_paper_campaign.py's): maps/s and
                                         mean accuracy on DIR/cifar, one thread, as one JSON object
Needs Debian's python3-torch, python3-torchvision, python3-onnx and python3-numpy.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conformance  # noqa: E402  (scripts/conformance.py: the torchvision builds)
import pytorch_paper_campaign as paper  # noqa: E402

SEEDS = {"resnet50": 1, "vgg16_bn_cifar": 3}
FILES = {"resnet50": "resnet50", "vgg16_bn_cifar": "vgg16"}
CIFAR_IMAGES = 1000


def model(name):
    """The same random model on every call (the seed is the model's)."""
    torch.manual_seed(SEEDS[name])
    return conformance.build(name)


def export(out):
    os.makedirs(os.path.join(out, "cifar"), exist_ok=True)
    for name, file in FILES.items():
        net, shape = model(name)
        example = torch.rand((2,) + shape)
        torch.onnx.export(net, example, os.path.join(out, file + ".onnx"), opset_version=13, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    rng = np.random.default_rng(5)
    np.save(os.path.join(out, "resnet50.images.npy"), rng.random((16, 3, 224, 224), dtype=np.float32))
    # CIFAR-10's record: 1 label byte, then 3072 pixel bytes (R, G, B planes, rows).
    labels = rng.integers(0, 10, CIFAR_IMAGES, dtype=np.uint8)
    pixels = rng.integers(0, 256, (CIFAR_IMAGES, 3072), dtype=np.uint8)
    with open(os.path.join(out, "cifar", "test_batch.bin"), "wb") as f:
        f.write(np.concatenate([labels[:, None], pixels], axis=1).tobytes())


def infer(out, threads):
    torch.set_num_threads(threads)
    net, _ = model("resnet50")
    images = torch.from_numpy(np.load(os.path.join(out, "resnet50.images.npy")))
    best = float("inf")
    with torch.no_grad():
        net(images[:2])  # warm-up
        for _ in range(3):
            start = time.perf_counter()
            net(images)
            best = min(best, time.perf_counter() - start)
    print(json.dumps({"threads": threads, "images": len(images), "seconds": best,
                      "images_per_second": len(images) / best}))


def read_cifar(path):
    records = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
    images = records[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0
    return torch.from_numpy(images), torch.from_numpy(records[:, 0].astype(np.int64))


def stored_parameters(net):
    """Batch norm folded into the conv before it, every conv and linear parameter as Q15.16 words,
    as the accelerator stores them: [(torch parameter, clean int32 words)] in execution order."""
    layers = list(net[0]) + list(net[1:])
    fused, stored = [], []
    for layer in layers:
        if isinstance(layer, torch.nn.BatchNorm2d):
            fused[-1] = torch.nn.utils.fusion.fuse_conv_bn_eval(fused[-1], layer)
        else:
            fused.append(layer)
    net = torch.nn.Sequential(*fused).eval()
    for layer in net:
        if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
            for parameter in (layer.weight, layer.bias):
                words = paper.q15_16_encode(parameter.detach().numpy())
                parameter.data = torch.from_numpy(paper.q15_16_decode(words)).reshape(parameter.shape)
                parameter.requires_grad_(False)
                stored.append((parameter, words.reshape(-1)))
    return net, stored


def campaign(out, ber, maps):
    torch.set_num_threads(1)
    net, stored = stored_parameters(model("vgg16_bn_cifar")[0])
    images, labels = read_cifar(os.path.join(out, "cifar", "test_batch.bin"))
    batches = list(zip(images.split(256), labels.split(256)))

    def accuracy():
        with torch.no_grad():
            return sum(int((net(x).argmax(1) == y).sum()) for x, y in batches) / len(labels)

    rng = np.random.default_rng(1)
    start = time.perf_counter()
    accuracies = []
    for _ in range(maps):
        for parameter, words in stored:
            paper.flip(rng, words, ber, parameter)
        accuracies.append(accuracy())
    seconds = time.perf_counter() - start
    print(json.dumps({"ber": ber, "maps": maps, "seconds": seconds, "maps_per_second": maps / seconds,
                      "mean_accuracy": float(np.mean(accuracies))}))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("export", "infer", "campaign"):
        sys.exit(__doc__)
    if sys.argv[1] == "export":
        export(sys.argv[2])
    elif sys.argv[1] == "infer":
        infer(sys.argv[2], int(sys.argv[3]))
    else:
        campaign(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))


if __name__ == "__main__":
    main()
