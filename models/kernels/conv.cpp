#include "models/kernels/conv.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace proact {

namespace {
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using std::size_t;

void require_positive(int value, const char* field) {
  if (value < 1) throw std::invalid_argument(std::string("conv ") + field + " must be >= 1, got " + std::to_string(value));
}

// An image as the conv's ordered GEMM streams it, without an im2col copy: zero-padded and split
// into stride phases, phase (py, px) of channel c holding padded pixel (s*i + py, s*j + px) at
// row i, column j of a (height, width) plane. Output pixel (oy, ox) with tap (ky, kx) reads padded
// pixel (s*oy + ky, s*ox + kx), that is phase (ky % s, kx % s) at (oy + ky / s, ox + kx / s); so
// with GEMM column j = oy * width + ox, row kk = (c, ky, kx) of B is a contiguous run of one
// plane starting at row_offset[kk]. Columns with ox >= out_width are extra outputs to drop
// (GemmOutput group = width, kept = out_width).
struct PhasedImage {
  explicit PhasedImage(const ConvGeometry& g)
      : geometry(g),
        height((g.in_height + 2 * g.padding + g.stride - 1) / g.stride),
        width((g.in_width + 2 * g.padding + g.stride - 1) / g.stride) {
    const int s = g.stride, kernel = g.kernel;
    for (int c = 0; c < g.in_channels; ++c)
      for (int ky = 0; ky < kernel; ++ky)
        for (int kx = 0; kx < kernel; ++kx)
          row_offset.push_back(plane(c, ky % s, kx % s) + static_cast<std::ptrdiff_t>(ky / s) * width + kx / s);
    for (int px = 0; px < std::min(s, kernel); ++px) {
      const int first = ((px - g.padding) % s + s) % s;  // the first ix with (ix + padding) % s == px
      column_phases.push_back({first, (g.in_width - first + s - 1) / s, (first + g.padding) / s});
    }
  }

  // GEMM columns up to the last output pixel.
  int columns() const { return (geometry.out_height() - 1) * width + geometry.out_width(); }
  // A phased image with all padding in place, for load() to fill.
  std::vector<float> zeros() const {
    return std::vector<float>(static_cast<size_t>(plane(geometry.in_channels, 0, 0)), 0.0f);
  }
  // image (C, H, W) into the interior of `phased` (padding entries are left as they are). Only
  // the phases some tap reads are filled (all of them unless kernel < stride).
  void load(const float* image, float* phased) const {
    const ConvGeometry& g = geometry;
    const int s = g.stride, p = g.padding, phases = std::min(s, g.kernel);
    for (int c = 0; c < g.in_channels; ++c) {
      for (int py = 0; py < phases; ++py) {
        // Padded rows r = py + s * i inside the image: iy = r - p.
        for (int i = 0, r = py; r < p + g.in_height; ++i, r += s) {
          if (r < p) continue;
          const float* src = image + (static_cast<size_t>(c) * g.in_height + (r - p)) * g.in_width;
          for (int px = 0; px < phases; ++px) {
            const ColumnPhase& column = column_phases[px];
            float* dst = phased + plane(c, py, px) + static_cast<std::ptrdiff_t>(i) * width + column.offset;
            const float* from = src + column.first;
            if (s == 1) {
              std::copy_n(from, column.count, dst);
            } else if (s == 2) {  // a constant stride the compiler vectorises
              for (int j = 0; j < column.count; ++j) dst[j] = from[2 * j];
            } else {
              for (int j = 0; j < column.count; ++j) dst[j] = from[s * j];
            }
          }
        }
      }
    }
  }
  GemmOperand operand(const float* phased) const { return GemmOperand{phased, row_offset.data(), 1}; }

  std::ptrdiff_t plane(int c, int py, int px) const {
    return ((static_cast<std::ptrdiff_t>(c) * geometry.stride + py) * geometry.stride + px) * height * width;
  }

  // The image columns of phase px: ix = first + s * j for j < count, at plane column offset + j.
  struct ColumnPhase {
    int first, count, offset;
  };

  ConvGeometry geometry;
  int height, width;  // of each phase plane
  std::vector<std::ptrdiff_t> row_offset;
  std::vector<ColumnPhase> column_phases;  // per phase column px read by some tap
};

}  // namespace

void ConvGeometry::validate() const {
  require_positive(in_channels, "in_channels");
  require_positive(in_height, "in_height");
  require_positive(in_width, "in_width");
  require_positive(out_channels, "out_channels");
  require_positive(kernel, "kernel");
  require_positive(stride, "stride");
  if (padding < 0 || padding >= kernel) {
    throw std::invalid_argument("conv padding must be in [0, kernel), got " + std::to_string(padding));
  }
  if (in_height + 2 * padding < kernel || in_width + 2 * padding < kernel) {
    throw std::invalid_argument("conv kernel " + std::to_string(kernel) + " larger than padded input " +
                                std::to_string(in_height) + "x" + std::to_string(in_width));
  }
}

void im2col(const ConvGeometry& g, const float* image, float* cols) {
  const int oh = g.out_height(), ow = g.out_width();
  for (int c = 0; c < g.in_channels; ++c) {
    const float* plane = image + static_cast<size_t>(c) * g.in_pixels();
    for (int ky = 0; ky < g.kernel; ++ky) {
      for (int kx = 0; kx < g.kernel; ++kx) {
        float* row = cols + static_cast<size_t>((c * g.kernel + ky) * g.kernel + kx) * oh * ow;
        for (int oy = 0; oy < oh; ++oy) {
          const int iy = oy * g.stride - g.padding + ky;
          float* out = row + static_cast<size_t>(oy) * ow;
          if (iy < 0 || iy >= g.in_height) {
            std::fill(out, out + ow, 0.0f);
            continue;
          }
          const float* in = plane + static_cast<size_t>(iy) * g.in_width;
          for (int ox = 0; ox < ow; ++ox) {
            const int ix = ox * g.stride - g.padding + kx;
            out[ox] = (ix < 0 || ix >= g.in_width) ? 0.0f : in[ix];
          }
        }
      }
    }
  }
}

void col2im(const ConvGeometry& g, const float* cols, float* image) {
  const int oh = g.out_height(), ow = g.out_width();
  for (int c = 0; c < g.in_channels; ++c) {
    float* plane = image + static_cast<size_t>(c) * g.in_pixels();
    for (int ky = 0; ky < g.kernel; ++ky) {
      for (int kx = 0; kx < g.kernel; ++kx) {
        const float* row = cols + static_cast<size_t>((c * g.kernel + ky) * g.kernel + kx) * oh * ow;
        for (int oy = 0; oy < oh; ++oy) {
          const int iy = oy * g.stride - g.padding + ky;
          if (iy < 0 || iy >= g.in_height) continue;
          float* in = plane + static_cast<size_t>(iy) * g.in_width;
          const float* src = row + static_cast<size_t>(oy) * ow;
          for (int ox = 0; ox < ow; ++ox) {
            const int ix = ox * g.stride - g.padding + kx;
            if (ix >= 0 && ix < g.in_width) in[ix] += src[ox];
          }
        }
      }
    }
  }
}

void conv2d_forward(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias, float* y,
                    AccumulationOrder order) {
  const int n = g.out_channels, k = g.patch_size();
  const size_t in_stride = static_cast<size_t>(g.in_channels) * g.in_pixels();
  const size_t out_stride = static_cast<size_t>(n) * g.out_pixels();
  const PhasedImage layout(g);
  // Images in parallel; a single image spreads its GEMM over the threads instead.
#pragma omp parallel if (batch > 1)
  {
    std::vector<float> image = layout.zeros();
#pragma omp for schedule(static)
    for (int b = 0; b < batch; ++b) {
      layout.load(x + b * in_stride, image.data());
      GemmOutput out;
      out.data = y + b * out_stride;
      out.row_stride = g.out_pixels();
      out.bias = bias;
      out.group = layout.width;
      out.kept = g.out_width();
      gemm(w, layout.operand(image.data()), out, n, k, layout.columns(), order);
    }
  }
}

void conv2d_forward_naive(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias,
                          float* y, AccumulationOrder order) {
  const int k = g.patch_size();
  const int fold = order.is_free() ? k : std::min(order.fold_length, k);
  const int oh = g.out_height(), ow = g.out_width();
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < g.out_channels; ++o) {
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          float acc = 0.0f, partial = 0.0f;
          for (int kk = 0; kk < k; ++kk) {
            const int c = kk / (g.kernel * g.kernel), ky = kk / g.kernel % g.kernel, kx = kk % g.kernel;
            const int iy = oy * g.stride - g.padding + ky, ix = ox * g.stride - g.padding + kx;
            const bool inside = iy >= 0 && iy < g.in_height && ix >= 0 && ix < g.in_width;
            const float xv = inside ? x[((static_cast<size_t>(b) * g.in_channels + c) * g.in_height + iy) * g.in_width + ix] : 0.0f;
            partial = std::fma(xv, w[static_cast<size_t>(o) * k + kk], partial);
            if ((kk + 1) % fold == 0 || kk + 1 == k) {
              acc += partial;
              partial = 0.0f;
            }
          }
          const float out = bias ? acc + bias[o] : acc;
          y[((static_cast<size_t>(b) * g.out_channels + o) * oh + oy) * ow + ox] = out;
        }
      }
    }
  }
}

void conv2d_backward(const ConvGeometry& g, int batch, const float* x, const float* w, const float* dy, float* dx,
                     float* dw, float* dbias) {
  const int k = g.patch_size(), m = g.out_pixels(), n = g.out_channels;
  const size_t in_stride = static_cast<size_t>(g.in_channels) * g.in_pixels();
  const size_t out_stride = static_cast<size_t>(n) * m;
  // Gather the batch as cols (K, B*M) and dY (O, B*M) so both products are single large GEMMs.
  std::vector<float> cols(static_cast<size_t>(k) * m * batch), image_cols(static_cast<size_t>(k) * m);
  std::vector<float> grad(static_cast<size_t>(n) * m * batch);
  for (int b = 0; b < batch; ++b) {
    im2col(g, x + b * in_stride, image_cols.data());
    for (int r = 0; r < k; ++r) {
      std::copy_n(image_cols.data() + static_cast<size_t>(r) * m, m,
                  cols.data() + static_cast<size_t>(r) * m * batch + static_cast<size_t>(b) * m);
    }
    for (int o = 0; o < n; ++o) {
      std::copy_n(dy + b * out_stride + static_cast<size_t>(o) * m, m,
                  grad.data() + static_cast<size_t>(o) * m * batch + static_cast<size_t>(b) * m);
    }
  }
  const long bm = static_cast<long>(m) * batch;
  Eigen::Map<const RowMajor> mcols(cols.data(), k, bm);
  Eigen::Map<const RowMajor> mgrad(grad.data(), n, bm);
  Eigen::Map<RowMajor>(dw, n, k).noalias() += mgrad * mcols.transpose();
  // The bias gradient sums each channel's row in index order: Eigen's vectorised row sum starts
  // where the row's memory alignment allows, so its bits would depend on where malloc put `grad`.
  if (dbias) {
    for (int o = 0; o < n; ++o) {
      const float* row = grad.data() + static_cast<size_t>(o) * bm;
      float sum = 0.0f;
      for (long i = 0; i < bm; ++i) sum += row[i];
      dbias[o] += sum;
    }
  }
  if (!dx) return;
  RowMajor dcols = Eigen::Map<const RowMajor>(w, n, k).transpose() * mgrad;  // (K, B*M)
  std::fill(dx, dx + in_stride * batch, 0.0f);
  for (int b = 0; b < batch; ++b) {
    for (int r = 0; r < k; ++r) {
      std::copy_n(dcols.data() + static_cast<size_t>(r) * bm + static_cast<size_t>(b) * m, m,
                  image_cols.data() + static_cast<size_t>(r) * m);
    }
    col2im(g, image_cols.data(), dx + b * in_stride);
  }
}

void conv2d_backward_naive(const ConvGeometry& g, int batch, const float* x, const float* w, const float* dy,
                           float* dx, float* dw, float* dbias) {
  const int oh = g.out_height(), ow = g.out_width(), kk = g.kernel;
  if (dx) std::fill(dx, dx + static_cast<size_t>(batch) * g.in_channels * g.in_pixels(), 0.0f);
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < g.out_channels; ++o) {
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          const float d = dy[((static_cast<size_t>(b) * g.out_channels + o) * oh + oy) * ow + ox];
          if (dbias) dbias[o] += d;
          for (int c = 0; c < g.in_channels; ++c) {
            for (int ky = 0; ky < kk; ++ky) {
              for (int kx = 0; kx < kk; ++kx) {
                const int iy = oy * g.stride - g.padding + ky, ix = ox * g.stride - g.padding + kx;
                if (iy < 0 || iy >= g.in_height || ix < 0 || ix >= g.in_width) continue;
                const size_t xi = ((static_cast<size_t>(b) * g.in_channels + c) * g.in_height + iy) * g.in_width + ix;
                const size_t wi = ((static_cast<size_t>(o) * g.in_channels + c) * kk + ky) * kk + kx;
                dw[wi] += d * x[xi];
                if (dx) dx[xi] += d * w[wi];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace proact
