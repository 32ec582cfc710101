#pragma once
// The sliding windows of the conv and pool kernels on (C, H, W) inputs: per-axis sizes and the
// padding of each side, and how many windows fit along one axis.
#include <string>

namespace proact {

// A value per spatial axis: height (rows, y) and width (columns, x).
struct Size2d {
  int height = 1, width = 1;

  static Size2d square(int size) { return {size, size}; }
  bool is_square() const { return height == width; }
  bool operator==(const Size2d& other) const { return height == other.height && width == other.width; }
  bool operator!=(const Size2d& other) const { return !(*this == other); }
};

// Padding of each side of a (H, W) plane, ONNX's order: top, left, bottom, right.
struct Padding2d {
  int top = 0, left = 0, bottom = 0, right = 0;

  static Padding2d uniform(int padding) { return {padding, padding, padding, padding}; }
  bool is_uniform() const { return top == left && top == bottom && top == right; }
  bool is_zero() const { return *this == Padding2d{}; }
  bool operator==(const Padding2d& other) const {
    return top == other.top && left == other.left && bottom == other.bottom && right == other.right;
  }
  bool operator!=(const Padding2d& other) const { return !(*this == other); }
  Padding2d operator+(const Padding2d& other) const {
    return {top + other.top, left + other.left, bottom + other.bottom, right + other.right};
  }
};

// "3x3", "[1, 1, 0, 0]", for messages.
std::string size_string(const Size2d& size);
std::string padding_string(const Padding2d& padding);

// Windows of `extent` elements sliding by `stride` over an axis of `size` elements padded by
// `begin` and `end`: floor((size + begin + end - extent) / stride) + 1, or with ceil_mode the
// ceiling, less one when that last window would start in the end padding (PyTorch's rule, which
// ONNX follows). 0 when no window fits.
int sliding_windows(int size, int extent, int stride, int begin, int end, bool ceil_mode = false);

}  // namespace proact
