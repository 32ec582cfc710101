#include "models/kernels/pool.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace proact {

using std::size_t;

void PoolGeometry::validate() const {
  if (channels < 1 || in_height < 1 || in_width < 1) throw std::invalid_argument("pool input must be non-empty");
  if (kernel < 1 || stride < 1) throw std::invalid_argument("pool kernel and stride must be >= 1");
  if (kernel > in_height || kernel > in_width) {
    throw std::invalid_argument("pool kernel " + std::to_string(kernel) + " larger than input " +
                                std::to_string(in_height) + "x" + std::to_string(in_width));
  }
}

void max_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y, std::vector<std::int32_t>& argmax) {
  const int oh = g.out_height(), ow = g.out_width();
  const size_t planes = static_cast<size_t>(batch) * g.channels;
  argmax.resize(planes * oh * ow);
  for (size_t p = 0; p < planes; ++p) {
    const float* in = x + p * g.in_height * g.in_width;
    for (int oy = 0; oy < oh; ++oy) {
      for (int ox = 0; ox < ow; ++ox) {
        int best = (oy * g.stride) * g.in_width + ox * g.stride;
        for (int ky = 0; ky < g.kernel; ++ky) {
          for (int kx = 0; kx < g.kernel; ++kx) {
            const int i = (oy * g.stride + ky) * g.in_width + ox * g.stride + kx;
            if (in[i] > in[best]) best = i;
          }
        }
        const size_t o = (p * oh + oy) * ow + ox;
        y[o] = in[best];
        argmax[o] = static_cast<std::int32_t>(p * g.in_height * g.in_width + best);
      }
    }
  }
}

void max_pool_backward(const PoolGeometry& g, int batch, const std::vector<std::int32_t>& argmax, const float* dy,
                       float* dx) {
  std::fill(dx, dx + static_cast<size_t>(batch) * g.channels * g.in_height * g.in_width, 0.0f);
  for (size_t o = 0; o < argmax.size(); ++o) dx[argmax[o]] += dy[o];
}

void avg_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y) {
  const int oh = g.out_height(), ow = g.out_width();
  const float window = static_cast<float>(g.kernel * g.kernel);
  const size_t planes = static_cast<size_t>(batch) * g.channels;
  for (size_t p = 0; p < planes; ++p) {
    const float* in = x + p * g.in_height * g.in_width;
    for (int oy = 0; oy < oh; ++oy) {
      for (int ox = 0; ox < ow; ++ox) {
        float sum = 0.0f;
        for (int ky = 0; ky < g.kernel; ++ky)
          for (int kx = 0; kx < g.kernel; ++kx) sum += in[(oy * g.stride + ky) * g.in_width + ox * g.stride + kx];
        y[(p * oh + oy) * ow + ox] = sum / window;
      }
    }
  }
}

void avg_pool_backward(const PoolGeometry& g, int batch, const float* dy, float* dx) {
  const int oh = g.out_height(), ow = g.out_width();
  const float window = static_cast<float>(g.kernel * g.kernel);
  const size_t planes = static_cast<size_t>(batch) * g.channels;
  std::fill(dx, dx + planes * g.in_height * g.in_width, 0.0f);
  for (size_t p = 0; p < planes; ++p) {
    float* in = dx + p * g.in_height * g.in_width;
    for (int oy = 0; oy < oh; ++oy) {
      for (int ox = 0; ox < ow; ++ox) {
        const float d = dy[(p * oh + oy) * ow + ox] / window;
        for (int ky = 0; ky < g.kernel; ++ky)
          for (int kx = 0; kx < g.kernel; ++kx) in[(oy * g.stride + ky) * g.in_width + ox * g.stride + kx] += d;
      }
    }
  }
}

void global_avg_pool_forward(int batch, int channels, int pixels, const float* x, float* y) {
  for (size_t p = 0; p < static_cast<size_t>(batch) * channels; ++p) {
    float sum = 0.0f;
    for (int i = 0; i < pixels; ++i) sum += x[p * pixels + i];
    y[p] = sum / static_cast<float>(pixels);
  }
}

void global_avg_pool_backward(int batch, int channels, int pixels, const float* dy, float* dx) {
  for (size_t p = 0; p < static_cast<size_t>(batch) * channels; ++p) {
    const float d = dy[p] / static_cast<float>(pixels);
    std::fill(dx + p * pixels, dx + (p + 1) * pixels, d);
  }
}

}  // namespace proact
