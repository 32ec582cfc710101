#pragma once
// Labelled image data sets held in memory, and the Fashion-MNIST loader.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/tensor.hpp"

namespace proact {

struct Dataset {
  std::string name;         // e.g. "fashion-mnist/train"
  Tensor images;            // (N, C, H, W) float in [0, 1] (pixel / 255)
  std::vector<int> labels;  // N values in [0, num_classes)
  int num_classes = 10;

  std::size_t size() const { return labels.size(); }
};

// $PROACT_DATA_DIR if set and non-empty, else /usr/share/datasets/fashion-mnist.
std::string default_data_dir();

enum class Split { train, test };

// Reads <dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (or the same names without .gz).
// Returns "fashion-mnist/train" (60000 images) or "fashion-mnist/test" (10000), images (N, 1, 28, 28).
// Throws std::runtime_error for missing files (naming the install options), image dimensions
// other than 28x28, image and label counts that differ, labels >= 10, and any IDX error.
Dataset load_fashion_mnist(const std::string& dir, Split split);

// Throws std::invalid_argument unless images has rank 4 with N = labels.size(), num_classes > 0
// and every label lies in [0, num_classes).
Dataset make_dataset(std::string name, Tensor images, std::vector<int> labels, int num_classes);

// The samples at `indices`, in that order (repeats allowed); throws std::out_of_range for an index >= size.
Dataset subset(const Dataset& data, const std::vector<std::size_t>& indices, std::string name);

// The first `count` samples (all of them if fewer), named "<name>[:count]".
Dataset head(const Dataset& data, std::size_t count);

struct TrainValidation {
  Dataset train;       // "<name>/train": the remaining samples, in their original order
  Dataset validation;  // "<name>/validation": validation_count samples, in shuffled order
};

// Shuffles the sample indices with Rng(seed); the last validation_count of the shuffled order form
// the validation set. Deterministic for a given seed; the two parts are disjoint and cover the
// data. Throws std::invalid_argument when validation_count > data.size().
TrainValidation split_validation(const Dataset& data, std::size_t validation_count, std::uint64_t seed);

}  // namespace proact
