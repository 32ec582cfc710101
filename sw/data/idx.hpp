#pragma once
// Reader for the IDX format of the MNIST family: a 4-byte magic (0x00 0x00 type ndims), ndims
// big-endian uint32 dimensions, then the elements in row-major order. Files may be gzip-compressed
// or plain; zlib tells them apart by the gzip magic.
#include <cstdint>
#include <string>
#include <vector>

namespace proact {

// Only the unsigned-byte element type (0x08) is supported.
struct IdxArray {
  std::vector<int> dims;             // 1 to 4 dimensions, outermost first
  std::vector<std::uint8_t> values;  // product(dims) elements, row-major
};

// Throws std::runtime_error "<path>: <problem>" for a missing or unreadable file, a bad magic, an
// unsupported element type, truncated or trailing data, and a corrupt gzip stream.
IdxArray read_idx(const std::string& path);

}  // namespace proact
