#include "models/kernels/copy.hpp"

#include <algorithm>

#include "models/kernels/parallel.hpp"

namespace proact {

namespace {

// Calls row(x_offset, y_offset) for every input row (width elements) and where it sits in y.
template <typename Row>
void for_each_row(int planes, int height, int width, const Padding2d& padding, Row row) {
  const std::size_t out_width = static_cast<std::size_t>(padding.left) + width + padding.right;
  const std::size_t out_plane = (static_cast<std::size_t>(padding.top) + height + padding.bottom) * out_width;
  for (int p = 0; p < planes; ++p) {
    for (int r = 0; r < height; ++r) {
      row((static_cast<std::size_t>(p) * height + r) * width,
          p * out_plane + (static_cast<std::size_t>(padding.top) + r) * out_width + padding.left);
    }
  }
}

}  // namespace

void pad_planes(int planes, int height, int width, const Padding2d& padding, float value, const float* x, float* y) {
  const std::size_t out_size = static_cast<std::size_t>(planes) * (padding.top + height + padding.bottom) *
                               (padding.left + width + padding.right);
  std::fill_n(y, out_size, value);
  for_each_row(planes, height, width, padding,
               [&](std::size_t from, std::size_t to) { std::copy_n(x + from, width, y + to); });
}

void crop_planes(int planes, int height, int width, const Padding2d& padding, const float* dy, float* dx) {
  for_each_row(planes, height, width, padding,
               [&](std::size_t to, std::size_t from) { std::copy_n(dy + from, width, dx + to); });
}

void copy_into_samples(int batch, std::size_t in_sample, std::size_t out_sample, std::size_t offset, const float* x,
                       float* y) {
  for (int b = 0; b < batch; ++b) std::copy_n(x + b * in_sample, in_sample, y + b * out_sample + offset);
}

void copy_from_samples(int batch, std::size_t in_sample, std::size_t out_sample, std::size_t offset, const float* dy,
                       float* dx) {
  for (int b = 0; b < batch; ++b) std::copy_n(dy + b * out_sample + offset, in_sample, dx + b * in_sample);
}

void add_elements(std::size_t count, const float* a, const float* b, float* y) {
#pragma omp parallel for schedule(static) if (count >= kParallelElements)
  for (std::size_t i = 0; i < count; ++i) y[i] = a[i] + b[i];
}

}  // namespace proact
