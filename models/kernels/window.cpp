#include "models/kernels/window.hpp"

namespace proact {

std::string size_string(const Size2d& size) { return std::to_string(size.height) + "x" + std::to_string(size.width); }

std::string padding_string(const Padding2d& padding) {
  return "[" + std::to_string(padding.top) + ", " + std::to_string(padding.left) + ", " +
         std::to_string(padding.bottom) + ", " + std::to_string(padding.right) + "]";
}

int sliding_windows(int size, int extent, int stride, int begin, int end, bool ceil_mode) {
  const long span = static_cast<long>(size) + begin + end - extent;  // room for the window starts
  if (span < 0 || stride < 1) return 0;
  long windows = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (windows - 1) * stride >= static_cast<long>(size) + begin) --windows;
  return static_cast<int>(windows);
}

}  // namespace proact
