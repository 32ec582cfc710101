#pragma once
// Matrix products for the layer kernels, with the accumulation order as part of the contract
// (docs/design.md 2.6, Accumulation order). All matrices are row-major: Y (N, M) = A (N, K) * B (K, M).
// For a conv layer N = output channels, K = in_channels * kh * kw, M = output pixels, which is
// SCALE-Sim's naming (N filters, K = Fh*Fw*C, M ofmap pixels).
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>

namespace proact {

// How the K products of one output are summed.
// - free: any order; fast, only tolerance-equal. Used for training. gemm() on plain matrices runs
//   Eigen's blocked GEMM; the conv and dense kernels run the ordered kernel with one fold.
// - folded: K is cut into folds of `fold_length` in k order; within a fold the partial sum starts
//   at 0 and takes one fused multiply-add per k (a systolic column); fold sums are added to the
//   accumulator (starting at 0) in fold order. A fold_length >= K is one fold (output stationary).
struct AccumulationOrder {
  int fold_length = 0;  // 0 = free order

  static AccumulationOrder free_order() { return {0}; }
  static AccumulationOrder folded(int fold_length);  // throws std::invalid_argument if < 1
  static AccumulationOrder unfolded();               // all of K in one fold
  bool is_free() const { return fold_length == 0; }
  std::string describe() const;                      // "free", "folded(32)", "unfolded"
};

// The accelerator's dataflows and the accumulation order each implies for an array with
// `rows` rows: weight and input stationary fold K over the rows; output stationary keeps all
// of K in the PE.
enum class Dataflow { ws, os, is };
Dataflow parse_dataflow(const std::string& name);  // "ws", "os", "is"
std::string dataflow_name(Dataflow dataflow);
AccumulationOrder accumulation_order(Dataflow dataflow, int rows);

// B (K, M) read in place: element (kk, j) at data[row_offset[kk] + j * col_stride]. Lets a conv
// layer stream rows of its (padded, stride-phased) input image without an im2col copy, and a dense
// layer its input without a transpose.
struct GemmOperand {
  const float* data = nullptr;
  const std::ptrdiff_t* row_offset = nullptr;  // K entries
  std::ptrdiff_t col_stride = 1;
};

// Where Y (N, M) goes. Columns come in groups of `group` (the last may be short) of which the
// first `kept` are written: column j = g * group + r with r < kept is output column
// c = g * group_stride + r (group_stride 0: kept, the groups packed), and Y (i, j) + bias[i] (or
// Y (i, j) alone without a bias) is written to data[i * row_stride + c * col_stride]. The other
// columns are computed and dropped.
struct GemmOutput {
  float* data = nullptr;
  std::ptrdiff_t row_stride = 0, col_stride = 1;
  const float* bias = nullptr;
  int group = INT_MAX, kept = INT_MAX;
  std::ptrdiff_t group_stride = 0;
};

// Output columns one tile of the ordered kernel computes at once (its B panel width): a product
// whose M is not a multiple of it computes the rest of the last panel and drops it.
int gemm_panel_columns();

// Y = A (N, K; row-major) * B in an ordered accumulation: every output takes the folds of
// `order` in k order, each fold's partial starting at +0 with one fused multiply-add per k,
// added to an accumulator starting at +0 in fold order, so results are bit-identical to
// gemm_naive in that order; a free order is computed as one fold (as gemm_naive does). The
// kernel vectorises across outputs only. Outside an active OpenMP parallel region a large
// product spreads its column panels over the threads.
void gemm(const float* a, const GemmOperand& b, const GemmOutput& y, int n, int k, int m, AccumulationOrder order);

// Y (N, M) = A (N, K) * B (K, M) in the given order; Y is overwritten. Free order uses Eigen's
// blocked GEMM, any other order the ordered kernel above.
void gemm(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order);
// Reference with the same signature: one output at a time, scalar, in the given order
// (free order is treated as one fold).
void gemm_naive(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order);

// Integer product for int8 networks: Y (N, M) int32 = A (N, K) int8 * B (K, M) int8, exact
// (int32 accumulation wraps like the hardware's two's-complement adder).
void gemm_int8(const std::int8_t* a, const std::int8_t* b, std::int32_t* y, int n, int k, int m);
void gemm_int8_naive(const std::int8_t* a, const std::int8_t* b, std::int32_t* y, int n, int k, int m);

}  // namespace proact
