#pragma once
// Which part of a GEMM layer each fold touches, from the dataflow mapping of hw/array/timing.hpp
// (ws: rows = K, cols = N; os: rows = M, cols = N; is: rows = K, cols = M). Shapes use the GEMM
// names Y (N, M) = W (N, K) * X (K, M). The fold's weight block is what the DMA brings into the
// weight SRAM for that fold; the compiler and the datapath size and place it the same way.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hw/config.hpp"
#include "hw/interface/layer_descriptor.hpp"
#include "hw/array/timing.hpp"

namespace proact {

struct FoldBlock {
  long n0, n1, k0, k1, m0, m1;  // half-open ranges of N, K and M
  long weight_words() const { return (n1 - n0) * (k1 - k0); }
};

FoldBlock fold_block(const Fold& fold, Dataflow dataflow, const GemmShape& shape);

// Weight SRAM word that holds W[n][k] while fold number `fold` (its index in the fold plan) runs:
// the fold's block sits in half (fold % 2) in k-major order, so SRAM row r feeds array row r:
// half_words * (fold % 2) + (k - k0) * (n1 - n0) + (n - n0).
std::uint64_t weight_sram_address(const FoldBlock& block, std::size_t fold, std::uint64_t half_words, long n, long k);

// One fold of a conv or dense descriptor as the array runs it: fold `fold` of channel group
// `group`'s GEMM (shape d.gemm_m/n/k), covering `block` in that group's coordinates (its weight
// rows are the layer's rows group * N + [n0, n1)).
struct LayerFold {
  long group;
  Fold fold;
  FoldBlock block;
};

// Every fold of the descriptor in execution order: the groups one after another, each in
// fold_plan order. A fold's index in this list is the one weight_sram_address takes.
std::vector<LayerFold> layer_folds(const LayerDescriptor& d, const AcceleratorConfig& config);

// The largest weight block of any fold of the layer on a rows x cols array.
long max_fold_weight_words(const GemmShape& shape, int rows, int cols, Dataflow dataflow);

}  // namespace proact
