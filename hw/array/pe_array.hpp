#pragma once
// Validation mode of the systolic array: a per-PE, per-cycle model for arrays up to 16 x 16 that
// moves operands through registers between neighbouring PEs with skewed injection, for ws, os and
// is, computing the float GEMM and counting cycles (plain C++, no SystemC). Tests hold its cycle
// count equal to hw/array/timing.hpp's compute_cycles and its values bit-identical to proact::gemm in
// accumulation_order(dataflow, rows); the fast path (timing.hpp + gemm) is what the accelerator
// model uses, this one exists to check it.
//
// The product is the functional engine's: Y (N, M) = A (N, K) * B (K, M), row-major, with
// A = weights (N filters, K = Fh*Fw*C) and B = the ifmap in im2col form transposed (K, M pixels).
//
// Per dataflow (R x C array, see timing.hpp for the fold order):
// - ws: PE (i, j) holds A[n0 + j][k0 + i], loaded in R cycles by shifting down from the top edge;
//   B[k0 + i][t] enters row i from the left at cycle t + i; partial sums move down the columns and
//   leave the bottom of column j as the fold's partial of Y[n0 + j][t].
// - is: PE (i, j) holds B[k0 + i][m0 + j], loaded the same way; A[t][k0 + i] enters row i at
//   cycle t + i; column j yields the fold's partial of Y[t][m0 + j].
// - os: PE (i, j) accumulates Y[n0 + j][m0 + i] (rows hold pixels, columns filters); B[k][m0 + i]
//   enters row i from the left at cycle k + i, A[n0 + j][k] enters column j from the top at cycle
//   k + j; all of K stays in the PE (one fold over K).
// Arithmetic (the accumulation-order contract, docs/design.md 2.6): a fold's partial starts at
// 0.0f and takes one std::fma per PE in k order; every output's accumulator starts at 0.0f and
// adds the fold partials in fold order (acc += partial), for os too.
//
// Without trim_partial_folds (SCALE-Sim's convention) every fold fills and drains the whole
// array: rows and columns a partial fold does not use still carry bubbles, which unused PEs pass
// on unchanged. With it, a fold occupies only its rows_used x cols_used corner.
#include <vector>

#include "models/kernels/gemm.hpp"

namespace proact {

class PeArray {
 public:
  static constexpr int kMaxDim = 16;

  // Throws std::invalid_argument unless 1 <= rows, cols <= kMaxDim.
  PeArray(int rows, int cols, Dataflow dataflow, bool trim_partial_folds = false);

  struct Result {
    std::vector<float> y;  // (N, M) row-major
    long cycles = 0;       // cycles the array was busy, all folds
    long folds = 0;
  };
  // a: (N, K), b: (K, M), both row-major. Throws std::invalid_argument for n, k or m < 1.
  Result run(const float* a, const float* b, int n, int k, int m) const;

 private:
  int rows_, cols_;
  Dataflow dataflow_;
  bool trim_;
};

}  // namespace proact
