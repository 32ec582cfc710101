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
  const int k = g.patch_size(), m = g.out_pixels(), n = g.out_channels;
  const size_t in_stride = static_cast<size_t>(g.in_channels) * g.in_pixels();
  const size_t out_stride = static_cast<size_t>(n) * m;
  if (order.is_free()) {
    // One large GEMM over the whole batch: cols (K, B*M), then scatter (O, B*M) to (B, O, M).
    std::vector<float> cols(static_cast<size_t>(k) * m * batch), image_cols(static_cast<size_t>(k) * m);
    for (int b = 0; b < batch; ++b) {
      im2col(g, x + b * in_stride, image_cols.data());
      for (int r = 0; r < k; ++r) {
        std::copy_n(image_cols.data() + static_cast<size_t>(r) * m, m,
                    cols.data() + static_cast<size_t>(r) * m * batch + static_cast<size_t>(b) * m);
      }
    }
    std::vector<float> out(static_cast<size_t>(n) * m * batch);
    gemm(w, cols.data(), out.data(), n, k, m * batch, order);
    for (int b = 0; b < batch; ++b) {
      for (int o = 0; o < n; ++o) {
        const float* src = out.data() + static_cast<size_t>(o) * m * batch + static_cast<size_t>(b) * m;
        float* dst = y + b * out_stride + static_cast<size_t>(o) * m;
        const float add = bias ? bias[o] : 0.0f;
        for (int i = 0; i < m; ++i) dst[i] = src[i] + add;
      }
    }
    return;
  }
#pragma omp parallel
  {
    std::vector<float> cols(static_cast<size_t>(k) * m);
#pragma omp for schedule(static)
    for (int b = 0; b < batch; ++b) {
      im2col(g, x + b * in_stride, cols.data());
      float* out = y + b * out_stride;
      gemm(w, cols.data(), out, n, k, m, order);
      if (bias) {
        for (int o = 0; o < n; ++o)
          for (int i = 0; i < m; ++i) out[static_cast<size_t>(o) * m + i] += bias[o];
      }
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
  if (dbias) Eigen::Map<Eigen::VectorXf>(dbias, n) += mgrad.rowwise().sum();
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
