#include "sw/data/cifar.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace proact {

namespace {

constexpr int kChannels = 3;
constexpr int kSide = 32;
constexpr std::size_t kPixels = kChannels * kSide * kSide;  // 3072 bytes per record

// One binary layout: `labels` label bytes per record, label i below limits[i]; `label_index`
// is the one kept.
struct CifarLayout {
  std::string name;                // "cifar10"
  std::vector<std::string> files;  // of one split, in reading order
  std::string expected;            // the files both splits need, for the missing-file message
  std::string archive;             // the official archive and the directory it unpacks to
  std::vector<int> limits;         // per label byte: its exclusive upper bound
  std::size_t label_index = 0;
  int classes = 0;
};

Dataset load_records(const std::string& dir, Split split, const CifarLayout& layout) {
  const std::size_t record = layout.limits.size() + kPixels;
  std::vector<std::string> paths;
  std::size_t total = 0;
  for (const std::string& file : layout.files) {
    const std::string path = (std::filesystem::path(dir) / file).string();
    if (!std::filesystem::is_regular_file(path)) {
      throw std::runtime_error(path + ": not found; " + layout.name + " data needs " + layout.expected + " in " + dir +
                               " (" + layout.archive + ")");
    }
    const std::size_t size = std::filesystem::file_size(path);
    if (size == 0 || size % record != 0) {
      throw std::runtime_error(path + ": " + std::to_string(size) + " bytes is not a whole number of " +
                               std::to_string(record) + "-byte " + layout.name + " records (truncated or not " +
                               layout.name + ")");
    }
    total += size / record;
    paths.push_back(path);
  }

  Tensor images({static_cast<int>(total), kChannels, kSide, kSide});
  std::vector<int> labels;
  labels.reserve(total);
  std::vector<unsigned char> bytes;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    bytes.resize(std::filesystem::file_size(path));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::size_t>(in.gcount()) != bytes.size()) throw std::runtime_error(path + ": cannot read");
    for (std::size_t r = 0; r < bytes.size() / record; ++r) {
      const unsigned char* at = bytes.data() + r * record;
      for (std::size_t i = 0; i < layout.limits.size(); ++i) {
        if (at[i] >= layout.limits[i]) {
          throw std::runtime_error(path + ": record " + std::to_string(r) + " has label " + std::to_string(at[i]) +
                                   (layout.limits.size() > 1 ? (i == 0 ? " (coarse)" : " (fine)") : "") +
                                   ", not below " + std::to_string(layout.limits[i]));
        }
      }
      float* out = images.data() + labels.size() * kPixels;
      labels.push_back(at[layout.label_index]);
      for (std::size_t p = 0; p < kPixels; ++p) out[p] = static_cast<float>(at[layout.limits.size() + p]) / 255.0f;
    }
  }
  return make_dataset(layout.name + (split == Split::train ? "/train" : "/test"), std::move(images), std::move(labels),
                      layout.classes);
}

}  // namespace

Dataset load_cifar10(const std::string& dir, Split split) {
  CifarLayout layout{"cifar10", {"test_batch.bin"}, "data_batch_1.bin .. data_batch_5.bin and test_batch.bin",
                     "the CIFAR-10 binary version: cifar-10-binary.tar.gz unpacks them to cifar-10-batches-bin/",
                     {10}, 0, 10};
  if (split == Split::train) {
    layout.files.clear();
    for (int i = 1; i <= 5; ++i) layout.files.push_back("data_batch_" + std::to_string(i) + ".bin");
  }
  return load_records(dir, split, layout);
}

Dataset load_cifar100(const std::string& dir, Split split) {
  const CifarLayout layout{"cifar100", {split == Split::train ? "train.bin" : "test.bin"}, "train.bin and test.bin",
                           "the CIFAR-100 binary version: cifar-100-binary.tar.gz unpacks them to cifar-100-binary/",
                           {20, 100}, 1, 100};
  return load_records(dir, split, layout);
}

}  // namespace proact
