#!/usr/bin/python3
"""Writes a CIFAR-10 folder in the official binary format (data_batch_1.bin .. data_batch_5.bin,
test_batch.bin) holding seeded random images and labels, to try the CIFAR-10 workflow of
docs/models.md before the real files are at hand. Each file holds --images records of 1 label byte
(0..9) and 3072 pixel bytes (32x32 red plane, then green, then blue, rows first).

Usage: scripts/sample-cifar10.py DIR [--images N] [--seed S]
"""
import argparse
import os
import random

RECORD_PIXELS = 3 * 32 * 32


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--images", type=int, default=100, help="records per file (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.images < 1:
        parser.error("--images must be at least 1")
    rng = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        records = bytearray()
        for _ in range(args.images):
            records.append(rng.randrange(10))
            records += rng.randbytes(RECORD_PIXELS)
        with open(os.path.join(args.dir, name), "wb") as f:
            f.write(records)
    print(f"{args.dir}: 6 CIFAR-10 files of {args.images} random images each")


if __name__ == "__main__":
    main()
