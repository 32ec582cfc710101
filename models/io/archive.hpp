#pragma once
// A versioned, checksummed binary container for model checkpoints: named float tensors plus
// free-form JSON metadata.
//
// Layout (all integers little-endian):
//   8 bytes   magic "PROACTCK"
//   uint32    format version (1)
//   uint64    header length L
//   L bytes   header, UTF-8 JSON:
//             {"metadata": {...}, "tensors": [{"name", "shape", "offset", "count"}, ...]}
//             offset = byte offset of the tensor's first value from the start of the data
//             section, count = number of float32 values (= product of shape)
//   data      float32 values, little-endian, tensors back to back in archive order
//   uint32    CRC-32 (zlib crc32) of every byte before it
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/tensor.hpp"

namespace proact {

struct Archive {
  nlohmann::json metadata;                               // free-form object (null is written as {})
  std::vector<std::pair<std::string, Tensor>> tensors;  // in order, names unique

  // Throws std::runtime_error naming the missing tensor.
  const Tensor& tensor(const std::string& name) const;
};

// Writes "<path>.tmp", syncs it and renames it over `path`, so `path` is either the old file or
// the complete new one. Throws std::invalid_argument for duplicate names, non-object metadata or a
// tensor whose values do not fill its shape; std::runtime_error (naming the file) for I/O errors.
void write_archive(const std::string& path, const Archive& archive);

// Throws std::runtime_error "<path>: <problem>" when the file cannot be opened, is not a checkpoint
// (bad magic), has an unsupported version, is truncated, fails its checksum, or has a malformed
// header (bad JSON, tensor data out of bounds, duplicate names).
Archive read_archive(const std::string& path);

}  // namespace proact
