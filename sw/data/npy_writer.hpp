#pragma once
// A writer for float32 .npy files, byte for byte what numpy.save (NumPy 1.24) writes for a C-ordered
// little-endian float32 array, so numpy.load and read_npy read it: the magic "\x93NUMPY", format
// version 1.0, a 2-byte header length, the header dict
// "{'descr': '<f4', 'fortran_order': False, 'shape': (N, ...), }" with NumPy's spare spaces for
// growing the first axis, padded with spaces to a multiple of 64 bytes and ended by '\n', then the
// elements as little-endian IEEE-754 binary32 in C (row-major) order.
#include <cstdint>
#include <string>
#include <vector>

#include "models/tensor.hpp"

namespace proact {

// The file's bytes for `array` (its shape, outermost first).
std::vector<std::uint8_t> npy_bytes(const Tensor& array);

// Writes npy_bytes(array) to `path` through write_file_atomically (readers never see a partial
// file; call prepare_output_file before long work to fail early). Throws std::runtime_error
// naming the file on an I/O error.
void write_npy(const std::string& path, const Tensor& array);

}  // namespace proact
