#pragma once
// Small tensor and float helpers shared by the tests.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "models/random.hpp"
#include "models/tensor.hpp"

namespace proact::testing {

// count seeded images (count, 1, 28, 28) of uniform [0, 1) pixels.
inline Tensor random_images(int count, std::uint64_t seed) {
  Tensor images({count, 1, 28, 28});
  Rng rng(seed);
  for (float& v : images.values()) v = rng.uniform();
  return images;
}

// Same shape and the same bits in every element (NaN payloads and signed zeros included).
inline bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Largest |a[i] - b[i]| over two tensors of the same size.
inline float max_abs_difference(const Tensor& a, const Tensor& b) {
  float worst = 0.0f;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// The IEEE-754 bits of a float, written independently of models/numeric (which tests check).
inline std::uint32_t float_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

}  // namespace proact::testing
