#!/usr/bin/env python3
"""The proact-paper fault campaign written as a plain PyTorch (CPU) loop: the reference that
`benchmarks/bench_vs_pytorch.sh` times `proact campaign` against.

Per fault map, as the ProAct reference code does it: start from the clean Q15.16 words of every
conv/dense weight and bias (batch norm folded in, as the accelerator stores them), flip
floor(numel * 32 * BER) distinct uniform (element, bit) positions per tensor, decode the words back
into the model's parameters, fault the neuron-wise threshold tensors the same way (scalar
thresholds are not faulted), and run the whole test subset through the network. No activation is
reused between maps: that is the loop our campaign runner is measured against.

Reads the project's checkpoint archive (models/io/archive.hpp) and threshold file
(docs/thresholds.md) directly; supports the zoo models (lenet5, vgg-small, resnet-small).
Prints one JSON object: the fault-free accuracy and, per BER, maps, seconds of the map loop, maps
per second and mean accuracy.
"""
import argparse
import gzip
import json
import math
import struct
import sys
import time
import zlib

import numpy as np
import torch


def read_archive(path):
    """-> (metadata, {name: float32 ndarray}); refuses a file that is not a proact checkpoint."""
    blob = open(path, "rb").read()
    if blob[:8] != b"PROACTCK":
        sys.exit(f"{path}: not a proact checkpoint (bad magic)")
    (version,) = struct.unpack_from("<I", blob, 8)
    if version != 1:
        sys.exit(f"{path}: unsupported archive version {version}")
    if zlib.crc32(blob[:-4]) != struct.unpack_from("<I", blob, len(blob) - 4)[0]:
        sys.exit(f"{path}: checksum mismatch")
    (header_length,) = struct.unpack_from("<Q", blob, 12)
    header = json.loads(blob[20:20 + header_length])
    data = 20 + header_length
    tensors = {}
    for t in header["tensors"]:
        values = np.frombuffer(blob, dtype="<f4", count=t["count"], offset=data + t["offset"])
        tensors[t["name"]] = values.reshape(t["shape"]).copy()
    return header["metadata"], tensors


def read_idx_images(path, limit):
    with gzip.open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            sys.exit(f"{path}: not an IDX image file")
        count = min(count, limit) if limit else count
        pixels = np.frombuffer(f.read(count * rows * cols), dtype=np.uint8)
    return torch.from_numpy(pixels.reshape(count, 1, rows, cols).astype(np.float32) / 255.0)


def read_idx_labels(path, limit):
    with gzip.open(path, "rb") as f:
        magic, count = struct.unpack(">II", f.read(8))
        if magic != 2049:
            sys.exit(f"{path}: not an IDX label file")
        count = min(count, limit) if limit else count
        return torch.from_numpy(np.frombuffer(f.read(count), dtype=np.uint8).astype(np.int64))


def q15_16_encode(values):
    """float32 -> int32 words: truncation toward zero, saturating (models/numeric/format.cpp)."""
    raw = np.trunc(values.astype(np.float64) * 65536.0)
    return np.clip(np.nan_to_num(raw), -2**31, 2**31 - 1).astype(np.int32)


def q15_16_decode(words):
    return (words.astype(np.float64) / 65536.0).astype(np.float32)


class HardClip(torch.nn.Module):
    """The accelerator's clip comparator: x if 0 < x <= T, else 0 (T scalar or per element)."""

    def __init__(self, thresholds):
        super().__init__()
        self.thresholds = torch.nn.Parameter(torch.from_numpy(thresholds), requires_grad=False)

    def forward(self, x):
        t = self.thresholds.view(-1) if self.thresholds.numel() == 1 else self.thresholds.view(x.shape[1:])
        return torch.where((x > 0) & (x <= t), x, torch.zeros_like(x))


class ResNetSmall(torch.nn.Module):
    """resnet-small's wiring (models/net/architectures.cpp) over its layers by name: a stem, three
    basic blocks (the last two with a 1x1-conv shortcut), global average pooling, the classifier."""
    BLOCKS = (("conv2", "relu2", "conv3", None, "relu3"), ("conv4", "relu4", "conv5", "conv6", "relu5"),
              ("conv7", "relu6", "conv8", "conv9", "relu7"))

    def __init__(self, layers):
        super().__init__()
        self.layers = torch.nn.ModuleDict(layers)

    def forward(self, x):
        m = self.layers
        x = m["relu1"](m["conv1"](x))
        for first, relu, second, shortcut, relu_out in self.BLOCKS:
            main = m[second](m[relu](m[first](x)))
            x = m[relu_out](main + (m[shortcut](x) if shortcut else x))
        return m["fc1"](x.mean((2, 3)))


def build_model(metadata, tensors, thresholds):
    """Torch model with batch norm folded into its conv, as the deployment stores it: the layers in
    order for the sequential zoo models, wired as ResNetSmall for resnet-small.
    Returns (model, faulted parameters: [(torch parameter, clean int32 words)] in deployment order,
    neuron-wise threshold tensors: [(torch parameter, clean int32 words)])."""
    modules, stored, tables = {}, [], []
    residual = metadata["architecture"] == "resnet-small"
    layers = metadata["layers"]
    for i, layer in enumerate(layers):
        kind, name, a = layer["kind"], layer["name"], layer["attributes"]
        if kind in ("conv2d", "dense"):
            w, b = tensors[name + ".weight"].copy(), tensors[name + ".bias"].copy()
            following = layers[i + 1] if i + 1 < len(layers) else None
            if following and following["kind"] == "batch_norm":
                bn = following["name"]
                scale = tensors[bn + ".gamma"] / np.sqrt(tensors[bn + ".running_var"] + np.float32(following["attributes"]["epsilon"]))
                w *= scale.reshape(-1, *([1] * (w.ndim - 1)))
                b = (b - tensors[bn + ".running_mean"]) * scale + tensors[bn + ".beta"]
            if kind == "conv2d":
                m = torch.nn.Conv2d(a["in_channels"], a["out_channels"], a["kernel"], a["stride"], a["padding"])
            else:
                m = torch.nn.Linear(a["in_features"], a["out_features"])
            for parameter, values in ((m.weight, w), (m.bias, b)):
                words = q15_16_encode(values)
                parameter.data = torch.from_numpy(q15_16_decode(words)).reshape(parameter.shape)
                parameter.requires_grad_(False)
                stored.append((parameter, words.reshape(-1)))
            modules[name] = m
        elif kind == "batch_norm":
            continue  # folded into the conv before it
        elif residual and kind in ("add", "global_avg_pool"):
            continue  # ResNetSmall.forward
        elif kind == "activation":
            if name in thresholds:
                clip = HardClip(np.asarray(thresholds[name], dtype=np.float32))
                if clip.thresholds.numel() > 1:
                    words = q15_16_encode(clip.thresholds.data.numpy()).reshape(-1)
                    clip.thresholds.data = torch.from_numpy(q15_16_decode(words))
                    tables.append((clip.thresholds, words))
                modules[name] = clip
            else:
                modules[name] = torch.nn.ReLU()
        elif kind == "max_pool":
            modules[name] = torch.nn.MaxPool2d(a["kernel"], a["stride"])
        elif kind == "flatten":
            modules[name] = torch.nn.Flatten()
        else:
            sys.exit(f"layer {name}: kind '{kind}' is not supported by this reference loop (the zoo models only)")
    model = ResNetSmall(modules) if residual else torch.nn.Sequential(*modules.values())
    return model.eval(), stored, tables


def flip(rng, clean_words, ber, parameter):
    """Writes clean_words with floor(numel * 32 * ber) distinct bit flips into parameter."""
    positions = clean_words.size * 32
    count = math.floor(clean_words.size * 32 * ber)
    words = clean_words.copy()
    if count:
        picked = rng.choice(positions, size=count, replace=False)
        np.bitwise_xor.at(words.view(np.uint32), picked // 32, (np.uint32(1) << (picked % 32).astype(np.uint32)))
    parameter.data.copy_(torch.from_numpy(q15_16_decode(words)).reshape(parameter.shape))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--thresholds", default="none", help="threshold file (hard clip) or none")
    parser.add_argument("--bers", required=True, help="comma-separated bit error rates")
    parser.add_argument("--maps", type=int, default=10, help="fault maps per BER")
    parser.add_argument("--limit", type=int, default=0, help="first N test images (0 = all)")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    metadata, tensors = read_archive(args.checkpoint)
    thresholds = {}
    if args.thresholds != "none":
        thresholds = {l["name"]: l["thresholds"] for l in json.load(open(args.thresholds))["layers"]}
    model, stored, tables = build_model(metadata, tensors, thresholds)
    images = read_idx_images(f"{args.data_dir}/t10k-images-idx3-ubyte.gz", args.limit)
    labels = read_idx_labels(f"{args.data_dir}/t10k-labels-idx1-ubyte.gz", args.limit)
    batches = list(zip(images.split(args.batch), labels.split(args.batch)))

    def accuracy():
        with torch.no_grad():
            return sum(int((model(x).argmax(1) == y).sum()) for x, y in batches) / len(labels)

    clean = accuracy()
    rng = np.random.default_rng(args.seed)
    points = []
    for ber in (float(b) for b in args.bers.split(",")):
        start = time.perf_counter()
        accuracies = []
        for _ in range(args.maps):
            for parameter, words in stored + tables:
                flip(rng, words, ber, parameter)
            accuracies.append(accuracy())
        seconds = time.perf_counter() - start
        points.append({"ber": ber, "maps": args.maps, "seconds": seconds, "maps_per_second": args.maps / seconds,
                       "mean_accuracy": float(np.mean(accuracies))})
    print(json.dumps({"images": len(labels), "clean_accuracy": clean, "points": points, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
