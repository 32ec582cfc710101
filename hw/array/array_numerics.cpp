#include "hw/array/array_numerics.hpp"

#include <algorithm>

#include "models/kernels/conv.hpp"
#include "models/kernels/dense.hpp"
#include "models/kernels/gemm.hpp"
#include "models/numeric/format.hpp"

namespace proact {

void fold_accumulate(const float* w, const float* x, int ldx, float* acc, int ldacc, int nw, int kw, int mw,
                     std::vector<float>& scratch) {
  const std::size_t x_size = static_cast<std::size_t>(kw) * mw, y_size = static_cast<std::size_t>(nw) * mw;
  scratch.resize(x_size + y_size);
  const float* block = x;
  if (ldx != mw) {
    for (int k = 0; k < kw; ++k) std::copy_n(x + static_cast<std::size_t>(k) * ldx, mw, scratch.data() + k * mw);
    block = scratch.data();
  }
  float* partial = scratch.data() + x_size;
  // One fold: the partial sums start at 0 and take the k products in order (a PE column).
  gemm(w, block, partial, nw, kw, mw, AccumulationOrder::unfolded());
  for (int n = 0; n < nw; ++n) {
    float* row = acc + static_cast<std::size_t>(n) * ldacc;
    const float* p = partial + static_cast<std::size_t>(n) * mw;
    for (int m = 0; m < mw; ++m) row[m] += p[m];
  }
}

void fold_accumulate_int8(const std::int8_t* w, const std::int8_t* x, int ldx, std::int32_t* acc, int ldacc, int nw,
                          int kw, int mw, std::vector<std::int8_t>& x_scratch, std::vector<std::int32_t>& scratch) {
  const std::int8_t* block = x;
  if (ldx != mw) {
    x_scratch.resize(static_cast<std::size_t>(kw) * mw);
    for (int k = 0; k < kw; ++k) std::copy_n(x + static_cast<std::size_t>(k) * ldx, mw, x_scratch.data() + k * mw);
    block = x_scratch.data();
  }
  scratch.resize(static_cast<std::size_t>(nw) * mw);
  gemm_int8(w, block, scratch.data(), nw, kw, mw);
  for (int n = 0; n < nw; ++n) {
    std::int32_t* row = acc + static_cast<std::size_t>(n) * ldacc;
    const std::int32_t* p = scratch.data() + static_cast<std::size_t>(n) * mw;
    for (int m = 0; m < mw; ++m) {
      row[m] = static_cast<std::int32_t>(static_cast<std::uint32_t>(row[m]) + static_cast<std::uint32_t>(p[m]));
    }
  }
}

ConvGeometry conv_geometry(const LayerDescriptor& d) {
  return ConvGeometry{static_cast<int>(d.in_channels), static_cast<int>(d.in_height), static_cast<int>(d.in_width),
                      static_cast<int>(d.out_channels), d.conv_window()};
}

std::vector<float> gemm_operand(const LayerDescriptor& d, const float* input) {
  const long k = d.gemm_k() * d.gemm_groups(), m = d.gemm_m();
  const int batch = static_cast<int>(d.batch);
  std::vector<float> x(static_cast<std::size_t>(k) * m);
  if (d.op == LayerOp::dense) {
    for (int b = 0; b < batch; ++b)
      for (long i = 0; i < k; ++i) x[static_cast<std::size_t>(i) * batch + b] = input[static_cast<std::size_t>(b) * k + i];
    return x;
  }
  im2col(conv_geometry(d), input, batch, x.data());
  return x;
}

std::vector<std::int8_t> gemm_operand_int8(const LayerDescriptor& d, const float* input) {
  const std::size_t count = d.input_elements() * d.batch;
  std::vector<float> quantised(count);
  for (std::size_t i = 0; i < count; ++i) {
    quantised[i] = static_cast<float>(quantize_symmetric(input[i], d.input_scale, 8));
  }
  const std::vector<float> x = gemm_operand(d, quantised.data());
  return std::vector<std::int8_t>(x.begin(), x.end());
}

void scatter_gemm_output(const LayerDescriptor& d, const float* y, float* output) {
  const long n = d.out_channels, m = d.gemm_m();
  const long pixels = m / d.batch;
  for (long b = 0; b < static_cast<long>(d.batch); ++b)
    for (long o = 0; o < n; ++o)
      std::copy_n(y + o * m + b * pixels, pixels, output + (b * n + o) * pixels);
}

void gemm_layer(const LayerDescriptor& d, const float* input, const float* w, const float* bias,
                AccumulationOrder order, float* output) {
  const int batch = static_cast<int>(d.batch);
  if (d.op == LayerOp::dense) {
    dense_forward(batch, static_cast<int>(d.gemm_k()), static_cast<int>(d.gemm_n()), input, w, bias, output, order);
  } else {
    conv2d_forward(conv_geometry(d), batch, input, w, bias, output, order);
  }
}

}  // namespace proact
