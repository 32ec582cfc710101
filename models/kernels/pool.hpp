#pragma once
// Pooling on NCHW tensors: x (B, C, H, W) -> y (B, C, OH, OW), a kh x kw window moved by the
// strides over the input padded on each side, OH = sliding_windows(H, kh, sh, top, bottom,
// ceil_mode) (with ceil_mode, a last window that would start in the bottom or right padding is
// dropped, as in PyTorch). Padding never wins a maximum. An average sums the window's input
// elements in row-major order and then divides by the window's size: its elements inside the
// input, or with count_include_pad also its padding up to the padded input's edge (PyTorch's
// divisor); this order is part of the numeric contract.
#include <cstdint>
#include <vector>

#include "models/kernels/window.hpp"

namespace proact {

struct PoolWindow {
  Size2d kernel = Size2d::square(2), stride = Size2d::square(2);
  Padding2d padding;
  bool ceil_mode = false;
  bool count_include_pad = false;  // average pools

  // Square kernel, one stride, no padding, floor mode: the pool the accelerator maps.
  static PoolWindow square(int kernel, int stride);
  bool is_square() const;  // of the form square() makes
  bool operator==(const PoolWindow& other) const;
};

struct PoolGeometry {
  int channels = 1, in_height = 1, in_width = 1;
  PoolWindow window;

  int out_height() const;
  int out_width() const;
  // Throws std::invalid_argument naming the bad field. Padding must be smaller than the kernel on
  // every side, so that every window holds an input element.
  void validate() const;
};

// argmax (B*C*OH*OW), unless nullptr (inference), receives the input index of each output's
// maximum (first on ties), for max_pool_backward.
void max_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y, std::vector<std::int32_t>* argmax);
void max_pool_backward(const PoolGeometry& g, int batch, const std::vector<std::int32_t>& argmax, const float* dy,
                       float* dx);  // dx overwritten

void avg_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y);
void avg_pool_backward(const PoolGeometry& g, int batch, const float* dy, float* dx);  // dx overwritten

// (B, C, H*W) -> (B, C): mean over the spatial positions.
void global_avg_pool_forward(int batch, int channels, int pixels, const float* x, float* y);
void global_avg_pool_backward(int batch, int channels, int pixels, const float* dy, float* dx);

}  // namespace proact
