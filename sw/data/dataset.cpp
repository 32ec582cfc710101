#include "sw/data/dataset.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "models/random.hpp"
#include "sw/data/idx.hpp"

namespace proact {

namespace {

constexpr int kFashionClasses = 10;
constexpr int kFashionSide = 28;

// The gzip file if present, else the plain one; throws naming both and the install options.
std::string find_idx_file(const std::string& dir, const std::string& stem) {
  const std::filesystem::path base = std::filesystem::path(dir) / stem;
  for (const std::string& candidate : {base.string() + ".gz", base.string()}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  throw std::runtime_error(base.string() + ".gz: not found (nor without .gz); install Fashion-MNIST with "
                           "`apt-get install dataset-fashion-mnist` or set PROACT_DATA_DIR to a directory "
                           "holding the IDX files");
}

}  // namespace

std::string default_data_dir() {
  const char* dir = std::getenv("PROACT_DATA_DIR");
  return dir && *dir ? dir : "/usr/share/datasets/fashion-mnist";
}

Dataset load_fashion_mnist(const std::string& dir, Split split) {
  const std::string prefix = split == Split::train ? "train" : "t10k";
  const std::string images_path = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  const IdxArray images = read_idx(images_path);
  const IdxArray labels = read_idx(labels_path);

  if (images.dims.size() != 3 || images.dims[1] != kFashionSide || images.dims[2] != kFashionSide) {
    throw std::runtime_error(images_path + ": expected images of shape (N, 28, 28), got " + shape_string(images.dims));
  }
  if (labels.dims.size() != 1) {
    throw std::runtime_error(labels_path + ": expected labels of shape (N), got " + shape_string(labels.dims));
  }
  if (images.dims[0] != labels.dims[0]) {
    throw std::runtime_error(images_path + " holds " + std::to_string(images.dims[0]) + " images but " + labels_path +
                             " holds " + std::to_string(labels.dims[0]) + " labels");
  }

  const int n = images.dims[0];
  std::vector<int> label_values(labels.values.begin(), labels.values.end());
  for (std::size_t i = 0; i < label_values.size(); ++i) {
    if (label_values[i] >= kFashionClasses) {
      throw std::runtime_error(labels_path + ": label " + std::to_string(label_values[i]) + " at index " +
                               std::to_string(i) + " is not below " + std::to_string(kFashionClasses));
    }
  }
  Tensor pixels({n, 1, kFashionSide, kFashionSide});
  std::transform(images.values.begin(), images.values.end(), pixels.data(),
                 [](std::uint8_t p) { return static_cast<float>(p) / 255.0f; });
  return make_dataset(split == Split::train ? "fashion-mnist/train" : "fashion-mnist/test", std::move(pixels),
                      std::move(label_values), kFashionClasses);
}

Dataset make_dataset(std::string name, Tensor images, std::vector<int> labels, int num_classes) {
  if (images.rank() != 4 || static_cast<std::size_t>(images.dim(0)) != labels.size()) {
    throw std::invalid_argument("data set '" + name + "': images of shape " + shape_string(images.shape()) +
                                " do not match " + std::to_string(labels.size()) + " labels as (N, C, H, W)");
  }
  if (num_classes <= 0) {
    throw std::invalid_argument("data set '" + name + "': num_classes must be positive, got " +
                                std::to_string(num_classes));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw std::invalid_argument("data set '" + name + "': label " + std::to_string(labels[i]) + " at index " +
                                  std::to_string(i) + " is outside [0, " + std::to_string(num_classes) + ")");
    }
  }
  return Dataset{std::move(name), std::move(images), std::move(labels), num_classes};
}

Dataset subset(const Dataset& data, const std::vector<std::size_t>& indices, std::string name) {
  Shape shape = data.images.shape();
  shape.at(0) = static_cast<int>(indices.size());
  const std::size_t sample = data.size() ? data.images.size() / data.size() : 0;  // floats per image
  Tensor images(shape);
  std::vector<int> labels;
  labels.reserve(indices.size());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::size_t from = indices[i];
    if (from >= data.size()) {
      throw std::out_of_range("subset of '" + data.name + "': index " + std::to_string(from) +
                              " is not below its size " + std::to_string(data.size()));
    }
    std::copy_n(data.images.data() + from * sample, sample, images.data() + i * sample);
    labels.push_back(data.labels[from]);
  }
  return Dataset{std::move(name), std::move(images), std::move(labels), data.num_classes};
}

Dataset head(const Dataset& data, std::size_t count) {
  std::vector<std::size_t> indices(std::min(count, data.size()));
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  return subset(data, indices, data.name + "[:" + std::to_string(indices.size()) + "]");
}

TrainValidation split_validation(const Dataset& data, std::size_t validation_count, std::uint64_t seed) {
  if (validation_count > data.size()) {
    throw std::invalid_argument("cannot hold out " + std::to_string(validation_count) + " validation samples from '" +
                                data.name + "' of size " + std::to_string(data.size()));
  }
  std::vector<std::size_t> order(data.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng(seed).shuffle(order);
  const auto cut = order.end() - static_cast<std::ptrdiff_t>(validation_count);
  std::vector<std::size_t> validation(cut, order.end());
  order.erase(cut, order.end());
  std::sort(order.begin(), order.end());
  return {subset(data, order, data.name + "/train"), subset(data, validation, data.name + "/validation")};
}

}  // namespace proact
