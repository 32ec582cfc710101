#pragma once
// Pooling on NCHW tensors, no padding: x (B, C, H, W) -> y (B, C, OH, OW) with
// OH = (H - kernel) / stride + 1. Average pools sum the window in row-major order and then
// divide by the window size; this order is part of the numeric contract.
#include <cstdint>
#include <vector>

namespace proact {

struct PoolGeometry {
  int channels = 1, in_height = 1, in_width = 1, kernel = 2, stride = 2;
  int out_height() const { return (in_height - kernel) / stride + 1; }
  int out_width() const { return (in_width - kernel) / stride + 1; }
  void validate() const;  // throws std::invalid_argument naming the bad field
};

// argmax (B*C*OH*OW) receives the input index of each output's maximum (first on ties).
void max_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y, std::vector<std::int32_t>& argmax);
void max_pool_backward(const PoolGeometry& g, int batch, const std::vector<std::int32_t>& argmax, const float* dy,
                       float* dx);  // dx overwritten

void avg_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y);
void avg_pool_backward(const PoolGeometry& g, int batch, const float* dy, float* dx);  // dx overwritten

// (B, C, H*W) -> (B, C): mean over the spatial positions.
void global_avg_pool_forward(int batch, int channels, int pixels, const float* x, float* y);
void global_avg_pool_backward(int batch, int channels, int pixels, const float* dy, float* dx);

}  // namespace proact
