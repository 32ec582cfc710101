#pragma once
// 2-D convolution (cross-correlation, as in PyTorch and ONNX) on NCHW tensors, grouped:
// x (B, C, H, W), w (O, C / groups, kh, kw), bias (O) or nullptr, y (B, O, OH, OW). Output
// channel o of group g = o / (O / groups) reads input channels [g * C / groups, (g + 1) * C / groups).
#include <string>

#include "models/kernels/gemm.hpp"
#include "models/kernels/window.hpp"

namespace proact {

// What a conv layer fixes besides its channel counts: per-axis kernel, stride and dilation, the
// padding of each side (zeros), and the channel groups (groups = C = O is depthwise).
struct ConvWindow {
  Size2d kernel, stride, dilation;
  Padding2d padding;
  int groups = 1;

  // Square kernel, one stride, the same padding on every side, dilation 1, one group: the
  // convolution the accelerator maps.
  static ConvWindow square(int kernel, int stride = 1, int padding = 0);
  bool is_square() const;  // of the form square() makes
  // Rows (columns) of the padded input one window spans: dilation * (kernel - 1) + 1.
  int extent_height() const { return dilation.height * (kernel.height - 1) + 1; }
  int extent_width() const { return dilation.width * (kernel.width - 1) + 1; }
  bool operator==(const ConvWindow& other) const;
};

// "kernel 3x3, stride 2x2, dilation 1x1, padding [1, 1, 1, 1], groups 32", for messages.
std::string window_string(const ConvWindow& window);

struct ConvGeometry {
  int in_channels = 1, in_height = 1, in_width = 1, out_channels = 1;
  ConvWindow window;

  int out_height() const;
  int out_width() const;
  int group_in_channels() const { return in_channels / window.groups; }
  int group_out_channels() const { return out_channels / window.groups; }
  // K of one group's GEMM, (C / groups) * kh * kw: the products summed per output.
  int patch_size() const { return group_in_channels() * window.kernel.height * window.kernel.width; }
  int out_pixels() const { return out_height() * out_width(); }  // M of the GEMM per image
  int in_pixels() const { return in_height * in_width; }
  void validate() const;  // throws std::invalid_argument naming the bad field
};

// images (count, C, H, W) -> cols (C*kh*kw, count * OH*OW): row index = (c*kh + ky)*kw + kx, so
// group g's patch is rows [g * K, (g + 1) * K) with K = patch_size(); image b's columns are
// [b * OH*OW, (b + 1) * OH*OW); padding reads 0.
void im2col(const ConvGeometry& g, const float* images, int count, float* cols);
// Adjoint of im2col: images (count, C, H, W) += scattered cols.
void col2im(const ConvGeometry& g, const float* cols, int count, float* images);

// Forward: one GEMM per group, per output the K products of its group's patch in im2col row
// order summed in `order`, then + bias. Each image streams its padded input in place; images
// whose output would leave the GEMM's column panels poorly filled (small feature maps, whose
// padding columns the in-place stream computes and drops) are gathered by im2col into one
// product for several images instead. Either way every output has the same sums, bit for bit.
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
