#include "models/kernels/dense.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <vector>

namespace proact {

namespace {
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using std::size_t;

void add_bias(int batch, int out_features, const float* bias, float* y) {
  if (!bias) return;
  for (int b = 0; b < batch; ++b)
    for (int o = 0; o < out_features; ++o) y[static_cast<size_t>(b) * out_features + o] += bias[o];
}
}  // namespace

void dense_forward(int batch, int in_features, int out_features, const float* x, const float* w, const float* bias,
                   float* y, AccumulationOrder order) {
  // The ordered GEMM (free order as one fold) is Y^T (N, B) = W (N, K) * X^T (K, B), X^T and Y^T
  // read and written in place.
  std::vector<std::ptrdiff_t> rows(static_cast<size_t>(in_features));
  for (int i = 0; i < in_features; ++i) rows[i] = i;
  GemmOutput out;
  out.data = y;
  out.row_stride = 1;
  out.col_stride = out_features;
  out.bias = bias;
  gemm(w, GemmOperand{x, rows.data(), in_features}, out, out_features, in_features, batch, order);
}

void dense_forward_naive(int batch, int in_features, int out_features, const float* x, const float* w,
                         const float* bias, float* y, AccumulationOrder order) {
  const RowMajor xt = Eigen::Map<const RowMajor>(x, batch, in_features).transpose();
  RowMajor yt(out_features, batch);
  gemm_naive(w, xt.data(), yt.data(), out_features, in_features, batch, order);
  Eigen::Map<RowMajor>(y, batch, out_features) = yt.transpose();
  add_bias(batch, out_features, bias, y);
}

void dense_backward(int batch, int in_features, int out_features, const float* x, const float* w, const float* dy,
                    float* dx, float* dw, float* dbias) {
  Eigen::Map<const RowMajor> mx(x, batch, in_features);
  Eigen::Map<const RowMajor> mdy(dy, batch, out_features);
  Eigen::Map<RowMajor>(dw, out_features, in_features).noalias() += mdy.transpose() * mx;
  if (dbias) {  // over the batch in order, one sum per feature (no alignment-dependent reduction)
    std::vector<float> sum(static_cast<std::size_t>(out_features), 0.0f);
    for (int b = 0; b < batch; ++b)
      for (int j = 0; j < out_features; ++j) sum[j] += dy[static_cast<std::size_t>(b) * out_features + j];
    for (int j = 0; j < out_features; ++j) dbias[j] += sum[j];
  }
  if (dx) Eigen::Map<RowMajor>(dx, batch, in_features).noalias() = mdy * Eigen::Map<const RowMajor>(w, out_features, in_features);
}

void dense_backward_naive(int batch, int in_features, int out_features, const float* x, const float* w,
                          const float* dy, float* dx, float* dw, float* dbias) {
  if (dx) std::fill(dx, dx + static_cast<size_t>(batch) * in_features, 0.0f);
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < out_features; ++o) {
      const float d = dy[static_cast<size_t>(b) * out_features + o];
      if (dbias) dbias[o] += d;
      for (int i = 0; i < in_features; ++i) {
        dw[static_cast<size_t>(o) * in_features + i] += d * x[static_cast<size_t>(b) * in_features + i];
        if (dx) dx[static_cast<size_t>(b) * in_features + i] += d * w[static_cast<size_t>(o) * in_features + i];
      }
    }
  }
}

}  // namespace proact
