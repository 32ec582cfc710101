#pragma once
// Loaders for the official binary versions of CIFAR-10 and CIFAR-100. Every record is the
// label byte(s) then 3072 pixel bytes: 32x32, channel-planar (the 1024 red bytes, then green,
// then blue), each plane row-major, which is exactly one (3, 32, 32) image of an NCHW tensor.
#include <string>

#include "sw/data/dataset.hpp"

namespace proact {

// <dir>/data_batch_1.bin .. data_batch_5.bin (train, in that order) or <dir>/test_batch.bin
// (test); records of 1 label byte (0..9) + 3072 pixels. Returns "cifar10/train" or
// "cifar10/test", images (N, 3, 32, 32) as pixel / 255, 10 classes.
Dataset load_cifar10(const std::string& dir, Split split);

// <dir>/train.bin or <dir>/test.bin; records of 1 coarse label byte (0..19), 1 fine label byte
// (0..99) + 3072 pixels. Returns "cifar100/train" or "cifar100/test" with the fine labels,
// images (N, 3, 32, 32) as pixel / 255, 100 classes.
Dataset load_cifar100(const std::string& dir, Split split);

// Both throw std::runtime_error naming the file and the problem: a missing file (listing the
// files the split needs), a size that is not a whole number of records, a label out of range.

}  // namespace proact
