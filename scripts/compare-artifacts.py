#!/usr/bin/env python3
"""Compares two model-zoo artifacts of the same kind, timing fields aside.

Usage: compare-artifacts.py COMMITTED REMADE
- checkpoints (.ckpt, the archive of models/io/archive.hpp): every tensor bit for bit and the
  metadata, except the wall times it records (train_seconds, history[].seconds);
- threshold files (.json): every value except training_seconds and trials[].seconds.
Prints what differs and exits 1, or prints "same" and exits 0.
"""
import json
import struct
import sys


def read_checkpoint(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"PROACTCK":
        raise SystemExit(f"{path}: not a checkpoint")
    (header_length,) = struct.unpack("<Q", data[12:20])
    header = json.loads(data[20:20 + header_length])
    values = data[20 + header_length:-4]
    metadata = header["metadata"]
    inner = metadata.get("metadata", {})
    inner.pop("train_seconds", None)
    for epoch in inner.get("history", []):
        epoch.pop("seconds", None)
    tensors = {}
    for t in header["tensors"]:
        tensors[t["name"]] = (t["shape"], values[t["offset"]:t["offset"] + 4 * t["count"]])
    return metadata, tensors


def read_thresholds(path):
    with open(path) as f:
        file = json.load(f)
    file.pop("training_seconds", None)
    for trial in file.get("trials", []):
        trial.pop("seconds", None)
    return file


def differences(a, b, where=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield f"{where}{key}: only in {'the committed file' if key in a else 'the remade file'}"
            else:
                yield from differences(a[key], b[key], f"{where}{key}.")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{where}{i}.")
    elif a != b:
        yield f"{where.rstrip('.')}: {json.dumps(a)[:80]} != {json.dumps(b)[:80]}"


def main():
    committed, remade = sys.argv[1:3]
    if committed.endswith(".ckpt"):
        (meta_a, tensors_a), (meta_b, tensors_b) = read_checkpoint(committed), read_checkpoint(remade)
        found = list(differences(meta_a, meta_b, "metadata."))
        for name in sorted(set(tensors_a) | set(tensors_b)):
            if tensors_a.get(name) != tensors_b.get(name):
                found.append(f"tensor {name}: values differ")
    else:
        found = list(differences(read_thresholds(committed), read_thresholds(remade)))
    for line in found[:20]:
        print(f"{committed}: {line}")
    if len(found) > 20:
        print(f"{committed}: ... and {len(found) - 20} more differences")
    if not found:
        print(f"{committed}: same")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
