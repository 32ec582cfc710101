#pragma once
// A strict reader for NumPy .npy files as numpy.save writes them: the magic "\x93NUMPY", format
// version 1.0 (2-byte header length) or 2.0 (4-byte), a Python dict literal header with exactly
// 'descr', 'fortran_order' and 'shape', then the elements in C (row-major) order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sw/data/dataset.hpp"

namespace proact {

// The element types read: little-endian (or single-byte) integers and float32.
enum class NpyType { u8, i8, i16, i32, i64, f32 };

struct NpyArray {
  NpyType type = NpyType::u8;
  std::string descr;               // as the header spells it, e.g. "|u1", "<f4", "<i8"
  std::vector<std::size_t> shape;  // outermost first; empty for a scalar
  std::vector<std::uint8_t> bytes; // product(shape) elements, row-major, little-endian

  std::size_t count() const;  // product(shape)
  // The elements as floats; only for f32 (throws std::logic_error otherwise).
  std::vector<float> floats() const;
  // The elements as integers; only for the integer types (throws std::logic_error otherwise).
  std::vector<std::int64_t> integers() const;
};

// Throws std::runtime_error "<path>: <problem>" for a missing or unreadable file, a bad magic,
// a version other than 1.0 and 2.0, a malformed header, fortran_order True, a big-endian or
// unsupported descr (naming it), and truncated or trailing data.
NpyArray read_npy(const std::string& path);

// Images (N, C, H, W) from a .npy file of uint8 (scaled by 1/255) or float32 (taken as is).
// Throws std::runtime_error naming the file for another dtype or rank (besides what read_npy throws).
Tensor load_npy_images(const std::string& path);

// A labelled data set from two .npy files: images as load_npy_images reads them, labels (N) of an
// integer type, each in [0, INT_MAX); num_classes is the largest label + 1. Throws
// std::runtime_error naming the file for a labels dtype or shape, image and label counts that
// differ, and a label out of range (besides what load_npy_images and read_npy throw).
Dataset load_npy_dataset(const std::string& images_path, const std::string& labels_path, std::string name);

}  // namespace proact
