#pragma once
// 2-D convolution (cross-correlation, as in PyTorch) on NCHW tensors.
// x (B, C, H, W), w (O, C, kh, kw), bias (O) or nullptr, y (B, O, OH, OW).
#include "models/kernels/gemm.hpp"

namespace proact {

struct ConvGeometry {
  int in_channels = 1, in_height = 1, in_width = 1;
  int out_channels = 1, kernel = 1, stride = 1, padding = 0;  // square kernel, equal padding

  int out_height() const { return (in_height + 2 * padding - kernel) / stride + 1; }
  int out_width() const { return (in_width + 2 * padding - kernel) / stride + 1; }
  int patch_size() const { return in_channels * kernel * kernel; }  // K of the GEMM
  int out_pixels() const { return out_height() * out_width(); }     // M of the GEMM per image
  int in_pixels() const { return in_height * in_width; }
  void validate() const;  // throws std::invalid_argument naming the bad field
};

// image (C, H, W) -> cols (C*kh*kw, OH*OW); row index = (c*kh + ky)*kw + kx, padding reads 0.
void im2col(const ConvGeometry& g, const float* image, float* cols);
// Adjoint of im2col: image (C, H, W) += scattered cols.
void col2im(const ConvGeometry& g, const float* cols, float* image);

// Forward: per output, the K products in im2col row order summed in `order`, then + bias.
void conv2d_forward(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias, float* y,
                    AccumulationOrder order);
// Reference: direct loops, same order, padding taps multiplied as zeros (as the array streams them).
void conv2d_forward_naive(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias,
                          float* y, AccumulationOrder order);

// Backward (free order): dx overwritten (skipped when nullptr); dw and dbias accumulate
// (dbias skipped when nullptr).
void conv2d_backward(const ConvGeometry& g, int batch, const float* x, const float* w, const float* dy, float* dx,
                     float* dw, float* dbias);
void conv2d_backward_naive(const ConvGeometry& g, int batch, const float* x, const float* w, const float* dy,
                           float* dx, float* dw, float* dbias);

}  // namespace proact
