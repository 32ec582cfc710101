#include "sw/data/npy_writer.hpp"

#include <cstring>

#include "models/io/output_file.hpp"

namespace proact {

namespace {

constexpr std::size_t kAlignment = 64;        // NumPy's ARRAY_ALIGN
constexpr std::size_t kGrowthDigits = 21;     // NumPy's GROWTH_AXIS_MAX_DIGITS
constexpr std::size_t kPreambleBytes = 10;    // magic (6), version (2), header length (2)

// The shape as Python prints a tuple: "()", "(5,)", "(3, 10)".
std::string python_tuple(const Shape& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

std::vector<std::uint8_t> npy_bytes(const Tensor& array) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + python_tuple(array.shape()) + ", }";
  if (!array.shape().empty()) header.append(kGrowthDigits - std::to_string(array.shape()[0]).size(), ' ');
  // NumPy pads to the next multiple of 64 even when already aligned (then by a whole 64).
  const std::size_t padding = kAlignment - (kPreambleBytes + header.size() + 1) % kAlignment;
  header.append(padding, ' ');
  header += '\n';

  std::vector<std::uint8_t> bytes = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  bytes.push_back(static_cast<std::uint8_t>(header.size() & 0xFF));
  bytes.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.reserve(bytes.size() + 4 * array.size());
  for (const float value : array.values()) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  }
  return bytes;
}

void write_npy(const std::string& path, const Tensor& array) {
  const std::vector<std::uint8_t> bytes = npy_bytes(array);
  write_file_atomically(path, bytes.data(), bytes.size());
}

}  // namespace proact
