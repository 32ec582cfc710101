#include "hw/array/weight_tiling.hpp"

#include <algorithm>

namespace proact {

FoldBlock fold_block(const Fold& f, Dataflow dataflow, const GemmShape& s) {
  const long r0 = f.row_base, r1 = f.row_base + f.rows_used, c0 = f.col_base, c1 = f.col_base + f.cols_used;
  switch (dataflow) {
    case Dataflow::ws: return {c0, c1, r0, r1, 0, s.m};
    case Dataflow::os: return {c0, c1, 0, s.k, r0, r1};
    case Dataflow::is: return {0, s.n, r0, r1, c0, c1};
  }
  return {0, s.n, 0, s.k, 0, s.m};
}

std::uint64_t weight_sram_address(const FoldBlock& b, std::size_t fold, std::uint64_t half_words, long n, long k) {
  return half_words * (fold % 2) + static_cast<std::uint64_t>((k - b.k0) * (b.n1 - b.n0) + (n - b.n0));
}

std::vector<LayerFold> layer_folds(const LayerDescriptor& d, const AcceleratorConfig& config) {
  const GemmShape shape{d.gemm_m(), d.gemm_n(), d.gemm_k()};
  const std::vector<Fold> plan = fold_plan(shape, config.array_rows, config.array_cols, config.dataflow, config.timing);
  std::vector<LayerFold> folds;
  folds.reserve(plan.size() * static_cast<std::size_t>(d.gemm_groups()));
  for (long g = 0; g < d.gemm_groups(); ++g)
    for (const Fold& f : plan) folds.push_back({g, f, fold_block(f, config.dataflow, shape)});
  return folds;
}

long max_fold_weight_words(const GemmShape& shape, int rows, int cols, Dataflow dataflow) {
  // The first fold is a full one whenever any fold is (partial folds come last in each dimension).
  switch (dataflow) {
    case Dataflow::ws: return std::min<long>(rows, shape.k) * std::min<long>(cols, shape.n);
    case Dataflow::os: return std::min<long>(cols, shape.n) * shape.k;
    case Dataflow::is: return shape.n * std::min<long>(rows, shape.k);
  }
  return shape.n * shape.k;
}

}  // namespace proact
