#include "hw/array/fold_accumulation.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "hw/array/array_numerics.hpp"
#include "hw/array/pe_array.hpp"

namespace proact {

ReadBackWeights::ReadBackWeights(const LayerDescriptor& d)
    : n_(d.gemm_n()),
      k_(d.gemm_k()),
      w_(static_cast<std::size_t>(d.gemm_n() * d.gemm_groups() * d.gemm_k()), 0.0f),
      loaded_(w_.size(), 0) {}

bool ReadBackWeights::record(const LayerFold& f, const float* block) {
  const FoldBlock& b = f.block;
  const std::size_t group = static_cast<std::size_t>(f.group * n_ * k_);
  bool same = true;
  for (long nn = b.n0; nn < b.n1; ++nn) {
    for (long kk = b.k0; kk < b.k1; ++kk) {
      const float value = block[(nn - b.n0) * (b.k1 - b.k0) + (kk - b.k0)];
      const std::size_t at = group + static_cast<std::size_t>(nn * k_ + kk);
      if (!loaded_[at]) {
        w_[at] = value;
        loaded_[at] = 1;
      } else {
        same = same && std::memcmp(&w_[at], &value, sizeof value) == 0;
      }
    }
  }
  return same;
}

void ReadBackWeights::overwrite(const LayerFold& f, const float* block) {
  const FoldBlock& b = f.block;
  const long kw = b.k1 - b.k0;
  for (long nn = b.n0; nn < b.n1; ++nn)
    std::copy_n(block + (nn - b.n0) * kw, kw, w_.data() + f.group * n_ * k_ + nn * k_ + b.k0);
}

const std::vector<float>& ReadBackWeights::block(const LayerFold& f) {
  const FoldBlock& b = f.block;
  const long kw = b.k1 - b.k0;
  block_.resize(static_cast<std::size_t>((b.n1 - b.n0) * kw));
  for (long nn = b.n0; nn < b.n1; ++nn)
    std::copy_n(w_.data() + f.group * n_ * k_ + nn * k_ + b.k0, kw, block_.data() + (nn - b.n0) * kw);
  return block_;
}

template <typename Element>
FoldByFold<Element>::FoldByFold(const LayerDescriptor& d, const float* input)
    : n_(d.gemm_n()), k_(d.gemm_k()), m_(d.gemm_m()) {
  if constexpr (std::is_same_v<Element, float>) x_ = gemm_operand(d, input);
  else x_ = gemm_operand_int8(d, input);
  acc_.assign(static_cast<std::size_t>(n_ * d.gemm_groups() * m_), Sum{0});
}

template <typename Element>
void FoldByFold<Element>::add(const LayerFold& f, const Element* block) {
  const FoldBlock& b = f.block;
  const Element* x = x_.data() + (f.group * k_ + b.k0) * m_ + b.m0;
  Sum* acc = acc_.data() + (f.group * n_ + b.n0) * m_ + b.m0;
  const int m = static_cast<int>(m_), nw = static_cast<int>(b.n1 - b.n0), kw = static_cast<int>(b.k1 - b.k0),
            mw = static_cast<int>(b.m1 - b.m0);
  if constexpr (std::is_same_v<Element, float>) fold_accumulate(block, x, m, acc, m, nw, kw, mw, scratch_);
  else fold_accumulate_int8(block, x, m, acc, m, nw, kw, mw, x_scratch_, scratch_);
}

template class FoldByFold<float>;
template class FoldByFold<std::int8_t>;

std::vector<float> per_pe_product(const LayerDescriptor& d, const AcceleratorConfig& config, const float* w,
                                  const float* x, std::uint32_t index) {
  const long m = d.gemm_m(), n = d.gemm_n(), k = d.gemm_k();
  const PeArray array(config.array_rows, config.array_cols, config.dataflow, config.timing.trim_partial_folds);
  TimingOptions array_only;  // the array's own cycles
  array_only.trim_partial_folds = config.timing.trim_partial_folds;
  const long expected = compute_cycles(GemmShape{m, n, k}, config.array_rows, config.array_cols, config.dataflow,
                                       array_only);
  std::vector<float> y(static_cast<std::size_t>(d.gemm_groups() * n * m));
  for (long g = 0; g < d.gemm_groups(); ++g) {
    const PeArray::Result result =
        array.run(w + g * n * k, x + g * k * m, static_cast<int>(n), static_cast<int>(k), static_cast<int>(m));
    if (result.cycles != expected) {
      throw std::logic_error("descriptor " + std::to_string(index) + ": the per-PE model took " +
                             std::to_string(result.cycles) + " cycles, the timing model says " +
                             std::to_string(expected));
    }
    std::copy(result.y.begin(), result.y.end(), y.begin() + g * n * m);
  }
  return y;
}

}  // namespace proact
