#pragma once
// Matrix products for the layer kernels, with the accumulation order as part of the contract
// (DESIGN.md section 3). All matrices are row-major: Y (N, M) = A (N, K) * B (K, M).
// For a conv layer N = output channels, K = in_channels * kh * kw, M = output pixels, which is
// SCALE-Sim's naming (N filters, K = Fh*Fw*C, M ofmap pixels).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace proact {

// How the K products of one output are summed.
// - free: any order (Eigen's blocked GEMM); fast, only tolerance-equal. Used for training.
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

// Y = A * B in an ordered accumulation, with A (the weights, N x K row-major) packed once for
// any number of products. Every output takes the folds of `order` in k order, each fold's
// partial starting at +0 with one fused multiply-add per k, added to an accumulator starting at
// +0 in fold order, so results are bit-identical to gemm_naive in that order; a free order is
// computed as one fold (as gemm_naive does). The kernel vectorises across outputs only. A
// product outside an active OpenMP parallel region spreads its column panels over the threads.
class PackedGemm {
 public:
  PackedGemm(const float* a, int n, int k, AccumulationOrder order);
  // Y (N, M): element (i, j) written to y[i * y_row_stride + j * y_col_stride].
  void multiply(const GemmOperand& b, int m, float* y, std::ptrdiff_t y_row_stride, std::ptrdiff_t y_col_stride) const;

 private:
  int n_, k_, fold_;
  std::vector<int> tile_rows_;   // first output row of each row tile, then N
  std::vector<float> packed_a_;  // per tile, its rows interleaved: (K, tile rows)
};

// Y (N, M) = A (N, K) * B (K, M) in the given order; Y is overwritten. Free order uses Eigen's
// blocked GEMM, any other order PackedGemm.
void gemm(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order);
// Reference with the same signature: one output at a time, scalar, in the given order
// (free order is treated as one fold).
void gemm_naive(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order);

// Integer product for int8 networks: Y (N, M) int32 = A (N, K) int8 * B (K, M) int8, exact
// (int32 accumulation wraps like the hardware's two's-complement adder).
void gemm_int8(const std::int8_t* a, const std::int8_t* b, std::int32_t* y, int n, int k, int m);
void gemm_int8_naive(const std::int8_t* a, const std::int8_t* b, std::int32_t* y, int n, int k, int m);

}  // namespace proact
