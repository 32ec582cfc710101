#include "models/kernels/pool.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/kernels/parallel.hpp"

namespace proact {

using std::size_t;

namespace {

// Along one axis, output o's window: the input elements [begin, end) it covers, and its size
// with the padding counted up to the padded input's edge.
struct Span {
  int begin, end, padded;
};

Span window_span(int o, int size, int kernel, int stride, int pad_begin, int pad_end) {
  const int start = o * stride - pad_begin, stop = start + kernel;
  return {std::max(start, 0), std::min(stop, size), std::min(stop, size + pad_end) - start};
}

Span row_span(const PoolGeometry& g, int oy) {
  const PoolWindow& w = g.window;
  return window_span(oy, g.in_height, w.kernel.height, w.stride.height, w.padding.top, w.padding.bottom);
}

Span column_span(const PoolGeometry& g, int ox) {
  const PoolWindow& w = g.window;
  return window_span(ox, g.in_width, w.kernel.width, w.stride.width, w.padding.left, w.padding.right);
}

float average_divisor(const PoolGeometry& g, const Span& rows, const Span& columns) {
  if (g.window.count_include_pad) return static_cast<float>(rows.padded * columns.padded);
  return static_cast<float>((rows.end - rows.begin) * (columns.end - columns.begin));
}

// Inference (no argmax) over windows wholly inside the input (no padding, floor mode): each
// output row as running maxima over the window's elements in row-major order, vectorisable
// across the row. The update (v > best ? v : best) is the general loop's, so ties and NaNs
// resolve the same way, bit for bit.
void max_pool_interior(const PoolGeometry& g, size_t planes, const float* x, float* y) {
  const int oh = g.out_height(), ow = g.out_width(), width = g.in_width;
  const Size2d kernel = g.window.kernel, stride = g.window.stride;
#pragma omp parallel for schedule(static) if (planes * oh * ow >= kParallelElements)
  for (size_t p = 0; p < planes; ++p) {
    for (int oy = 0; oy < oh; ++oy) {
      float* out = y + (p * oh + oy) * ow;
      const float* window_row = x + (p * g.in_height + static_cast<size_t>(oy) * stride.height) * width;
      for (int ox = 0; ox < ow; ++ox) out[ox] = window_row[ox * stride.width];
      for (int ky = 0; ky < kernel.height; ++ky) {
        for (int kx = ky == 0 ? 1 : 0; kx < kernel.width; ++kx) {
          const float* in = window_row + ky * width + kx;
          for (int ox = 0; ox < ow; ++ox) {
            const float v = in[ox * stride.width];
            out[ox] = v > out[ox] ? v : out[ox];
          }
        }
      }
    }
  }
}

// The same for 2x2 windows moved by 2 (the common pooling), with the shape known at compile
// time so that the compiler vectorises the deinterleaving of each pair of input rows.
void max_pool_2x2_stride_2(const PoolGeometry& g, size_t planes, const float* x, float* y) {
  const int oh = g.out_height(), ow = g.out_width(), width = g.in_width;
#pragma omp parallel for schedule(static) if (planes * oh * ow >= kParallelElements)
  for (size_t p = 0; p < planes; ++p) {
    for (int oy = 0; oy < oh; ++oy) {
      float* out = y + (p * oh + oy) * ow;
      const float* top = x + (p * g.in_height + 2 * static_cast<size_t>(oy)) * width;
      const float* bottom = top + width;
      for (int ox = 0; ox < ow; ++ox) {
        float best = top[2 * ox];
        best = top[2 * ox + 1] > best ? top[2 * ox + 1] : best;
        best = bottom[2 * ox] > best ? bottom[2 * ox] : best;
        best = bottom[2 * ox + 1] > best ? bottom[2 * ox + 1] : best;
        out[ox] = best;
      }
    }
  }
}

}  // namespace

PoolWindow PoolWindow::square(int kernel, int stride) {
  PoolWindow w;
  w.kernel = Size2d::square(kernel);
  w.stride = Size2d::square(stride);
  return w;
}

bool PoolWindow::is_square() const {
  return kernel.is_square() && stride.is_square() && padding.is_zero() && !ceil_mode && !count_include_pad;
}

bool PoolWindow::operator==(const PoolWindow& other) const {
  return kernel == other.kernel && stride == other.stride && padding == other.padding &&
         ceil_mode == other.ceil_mode && count_include_pad == other.count_include_pad;
}

int PoolGeometry::out_height() const {
  return sliding_windows(in_height, window.kernel.height, window.stride.height, window.padding.top,
                         window.padding.bottom, window.ceil_mode);
}

int PoolGeometry::out_width() const {
  return sliding_windows(in_width, window.kernel.width, window.stride.width, window.padding.left,
                         window.padding.right, window.ceil_mode);
}

void PoolGeometry::validate() const {
  const PoolWindow& w = window;
  if (channels < 1 || in_height < 1 || in_width < 1) throw std::invalid_argument("pool input must be non-empty");
  if (w.kernel.height < 1 || w.kernel.width < 1 || w.stride.height < 1 || w.stride.width < 1) {
    throw std::invalid_argument("pool kernel and stride must be >= 1");
  }
  const Padding2d& p = w.padding;
  if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0 || p.top >= w.kernel.height ||
      p.bottom >= w.kernel.height || p.left >= w.kernel.width || p.right >= w.kernel.width) {
    throw std::invalid_argument("pool padding " + padding_string(p) + " must be in [0, kernel) on every side (kernel " +
                                size_string(w.kernel) + ")");
  }
  if (out_height() < 1 || out_width() < 1) {
    throw std::invalid_argument("pool kernel " + size_string(w.kernel) + " larger than padded input " +
                                std::to_string(in_height) + "x" + std::to_string(in_width));
  }
}

void max_pool_forward(const PoolGeometry& g, int batch, const float* x, float* y, std::vector<std::int32_t>* argmax) {
  const int oh = g.out_height(), ow = g.out_width();
  const size_t planes = static_cast<size_t>(batch) * g.channels;
  if (!argmax && g.window.padding.is_zero() && !g.window.ceil_mode) {
    if (g.window.kernel == Size2d::square(2) && g.window.stride == Size2d::square(2)) {
      max_pool_2x2_stride_2(g, planes, x, y);
    } else {
      max_pool_interior(g, planes, x, y);
    }
    return;
  }
  if (argmax) argmax->resize(planes * oh * ow);
#pragma omp parallel for schedule(static) if (planes * oh * ow >= kParallelElements)
  for (size_t p = 0; p < planes; ++p) {
    const float* in = x + p * g.in_height * g.in_width;
    for (int oy = 0; oy < oh; ++oy) {
      const Span rows = row_span(g, oy);
      for (int ox = 0; ox < ow; ++ox) {
        const Span columns = column_span(g, ox);
        int best = rows.begin * g.in_width + columns.begin;
        for (int iy = rows.begin; iy < rows.end; ++iy) {
          for (int ix = columns.begin; ix < columns.end; ++ix) {
            const int i = iy * g.in_width + ix;
            if (in[i] > in[best]) best = i;
          }
        }
        const size_t o = (p * oh + oy) * ow + ox;
        y[o] = in[best];
        if (argmax) (*argmax)[o] = static_cast<std::int32_t>(p * g.in_height * g.in_width + best);
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
  const size_t planes = static_cast<size_t>(batch) * g.channels;
#pragma omp parallel for schedule(static) if (planes * oh * ow >= kParallelElements)
  for (size_t p = 0; p < planes; ++p) {
    const float* in = x + p * g.in_height * g.in_width;
    for (int oy = 0; oy < oh; ++oy) {
      const Span rows = row_span(g, oy);
      for (int ox = 0; ox < ow; ++ox) {
        const Span columns = column_span(g, ox);
        float sum = 0.0f;
        for (int iy = rows.begin; iy < rows.end; ++iy)
          for (int ix = columns.begin; ix < columns.end; ++ix) sum += in[iy * g.in_width + ix];
        y[(p * oh + oy) * ow + ox] = sum / average_divisor(g, rows, columns);
      }
    }
  }
}

void avg_pool_backward(const PoolGeometry& g, int batch, const float* dy, float* dx) {
  const int oh = g.out_height(), ow = g.out_width();
  const size_t planes = static_cast<size_t>(batch) * g.channels;
  std::fill(dx, dx + planes * g.in_height * g.in_width, 0.0f);
  for (size_t p = 0; p < planes; ++p) {
    float* in = dx + p * g.in_height * g.in_width;
    for (int oy = 0; oy < oh; ++oy) {
      const Span rows = row_span(g, oy);
      for (int ox = 0; ox < ow; ++ox) {
        const Span columns = column_span(g, ox);
        const float d = dy[(p * oh + oy) * ow + ox] / average_divisor(g, rows, columns);
        for (int iy = rows.begin; iy < rows.end; ++iy)
          for (int ix = columns.begin; ix < columns.end; ++ix) in[iy * g.in_width + ix] += d;
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
