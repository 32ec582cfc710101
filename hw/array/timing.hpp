#pragma once
// Compute timing of an R x C systolic array, per layer and per fold (plain C++, no SystemC).
//
// A layer is a GEMM in SCALE-Sim's names: M output pixels, N filters, K = Fh*Fw*C. Each dataflow
// keeps one operand in the PEs and folds two dimensions over the array's rows and columns:
//
//   dataflow  rows hold   cols hold   streamed (T)   fold cycles (SCALE-Sim, R x C array)
//   ws        K           N           M              2R + C + M - 2   (R to load weights, then stream)
//   os        M           N           K              R + C + K - 2
//   is        K           M           N              2R + C + N - 2   (R to load ifmap, then stream)
//
// Folds run one after another, column folds outer and row folds inner (SCALE-Sim's order, and the
// accumulation order of models/kernels/gemm.hpp: for one output, its K folds run back to back).
//
// Default (all options off) is SCALE-Sim v2's convention: every fold fills and drains the whole
// array, the weight load is not hidden, and the per-layer stall-free cycles equal SCALE-Sim's
// "Total Cycles" + 1 (SCALE-Sim prints the index of the last cycle):
//   ws: ceil(K/R)*ceil(N/C)*(2R + C + M - 2)   os: ceil(M/R)*ceil(N/C)*(R + C + K - 2)
//   is: ceil(K/R)*ceil(M/C)*(2R + C + N - 2)
#include <string>
#include <vector>

#include "models/kernels/gemm.hpp"

namespace proact {

struct GemmShape {
  long m = 1, n = 1, k = 1;  // M output pixels, N filters, K = Fh*Fw*C (SCALE-Sim's names)
  long macs() const { return m * n * k; }
};

// More realistic conventions than SCALE-Sim's, each off by default.
struct TimingOptions {
  bool overlap_weight_load = false;  // preload of fold i+1 hidden under fold i (ws/is; no effect on os)
  bool trim_partial_folds = false;   // partial folds fill/drain only the rows/cols they use
  long fold_overhead_cycles = 0;     // fixed cycles added to every fold
  long pipeline_latency_cycles = 0;  // activation-pipeline latency added once per layer
  bool is_scalesim() const;          // all options off
  void validate() const;             // throws std::invalid_argument naming the field
  std::string describe() const;      // "scalesim" or e.g. "overlap-weight-load,trim-partial-folds,fold-overhead=4"
};

struct Fold {               // one fold = one tile mapped onto the array
  long row_fold, col_fold;  // fold coordinates in execution order: col_fold outer, row_fold inner
  long row_base, col_base;  // first operand row / column this fold covers (ws: k0, n0; os: m0, n0; is: k0, m0)
  int rows_used, cols_used;
  long cycles;              // compute cycles of this fold under the options
};

// The folds of one layer in execution order. Throws std::invalid_argument for a non-positive
// shape or array dimension or invalid options.
std::vector<Fold> fold_plan(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const TimingOptions& options);
// Sum of fold cycles + pipeline latency; in SCALE-Sim mode == SCALE-Sim "Total Cycles" + 1.
long compute_cycles(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const TimingOptions& options);
// compute_cycles - 1: the "Total Cycles" SCALE-Sim prints for a stall-free layer.
long scalesim_total_cycles(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const TimingOptions& options);

// The utilisation columns of SCALE-Sim's COMPUTE_REPORT.csv, in percent.
// - overall: MACs / (reported total cycles * R * C), reported total = cycles - 1 + stalls.
// - mapping efficiency: mean over folds of rows_used * cols_used / (R * C).
// - compute: mean over folds of rows_used * cols_used * T / (R * C * fold_cycles), T the streamed
//   dimension. In SCALE-Sim mode fold_cycles is SCALE-Sim's own per-fold figure, which for ws/is
//   counts C - 1 cycles more than the fold takes (2R + 2C + T - 3; os: R + C + T - 2); with any
//   option on it is the fold's cycles under the options. Means are summed as Python 3.12+ sums
//   (compensated), so the digits match SCALE-Sim's run under a current Python.
struct Utilization {
  double overall_percent = 0, mapping_efficiency_percent = 0, compute_percent = 0;
};
Utilization utilization(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const std::vector<Fold>& plan,
                        const TimingOptions& options, long reported_total_cycles);

}  // namespace proact
