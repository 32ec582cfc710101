#include "hw/array/timing.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace proact {

namespace {

constexpr long kMaxOptionCycles = 1000000000L;

void check_option(const char* field, long value) {
  if (value < 0 || value > kMaxOptionCycles) {
    throw std::invalid_argument(std::string("TimingOptions.") + field + " must be in [0, " +
                                std::to_string(kMaxOptionCycles) + "], got " + std::to_string(value));
  }
}

void check_problem(const GemmShape& shape, int rows, int cols) {
  if (shape.m < 1 || shape.n < 1 || shape.k < 1) {
    throw std::invalid_argument("GEMM shape must have M, N, K >= 1, got M=" + std::to_string(shape.m) +
                                " N=" + std::to_string(shape.n) + " K=" + std::to_string(shape.k));
  }
  if (rows < 1 || cols < 1) {
    throw std::invalid_argument("array must have at least 1 row and 1 column, got " + std::to_string(rows) + "x" +
                                std::to_string(cols));
  }
}

// The operand dimensions mapped onto rows and columns, and the streamed one, per dataflow.
struct Mapping {
  long spatial_rows, spatial_cols, temporal;
};

Mapping mapping(const GemmShape& s, Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::ws: return {s.k, s.n, s.m};
    case Dataflow::os: return {s.m, s.n, s.k};
    case Dataflow::is: return {s.k, s.m, s.n};
  }
  throw std::invalid_argument("unknown dataflow");
}

long ceil_div(long a, long b) { return (a + b - 1) / b; }

// Python's sum() over floats (CPython 3.12+, which SCALE-Sim's reference outputs were made with):
// Neumaier's compensated summation, so averages over many folds come out exactly as SCALE-Sim's.
class PythonSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    compensation_ += std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0, compensation_ = 0.0;
};

}  // namespace

bool TimingOptions::is_scalesim() const {
  return !overlap_weight_load && !trim_partial_folds && fold_overhead_cycles == 0 && pipeline_latency_cycles == 0;
}

void TimingOptions::validate() const {
  check_option("fold_overhead_cycles", fold_overhead_cycles);
  check_option("pipeline_latency_cycles", pipeline_latency_cycles);
}

std::string TimingOptions::describe() const {
  if (is_scalesim()) return "scalesim";
  std::string out;
  auto add = [&out](const std::string& item) { out += (out.empty() ? "" : ",") + item; };
  if (overlap_weight_load) add("overlap-weight-load");
  if (trim_partial_folds) add("trim-partial-folds");
  if (fold_overhead_cycles) add("fold-overhead=" + std::to_string(fold_overhead_cycles));
  if (pipeline_latency_cycles) add("pipeline-latency=" + std::to_string(pipeline_latency_cycles));
  return out;
}

std::vector<Fold> fold_plan(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const TimingOptions& options) {
  check_problem(shape, rows, cols);
  options.validate();
  const Mapping map = mapping(shape, dataflow);
  const long row_folds = ceil_div(map.spatial_rows, rows);
  const long col_folds = ceil_div(map.spatial_cols, cols);
  const bool preloads = dataflow != Dataflow::os;  // ws/is load the stationary operand first
  std::vector<Fold> plan;
  plan.reserve(static_cast<std::size_t>(row_folds * col_folds));
  for (long cf = 0; cf < col_folds; ++cf) {
    for (long rf = 0; rf < row_folds; ++rf) {
      Fold f{};
      f.row_fold = rf;
      f.col_fold = cf;
      f.row_base = rf * rows;
      f.col_base = cf * cols;
      f.rows_used = static_cast<int>(std::min<long>(rows, map.spatial_rows - f.row_base));
      f.cols_used = static_cast<int>(std::min<long>(cols, map.spatial_cols - f.col_base));
      const long r = options.trim_partial_folds ? f.rows_used : rows;
      const long c = options.trim_partial_folds ? f.cols_used : cols;
      const long stream = r + c + map.temporal - 2;  // last operand in at T - 1, skewed over r + c - 1
      const bool hidden = options.overlap_weight_load && !plan.empty();
      const long load = preloads && !hidden ? r : 0;
      f.cycles = load + stream + options.fold_overhead_cycles;
      plan.push_back(f);
    }
  }
  return plan;
}

long compute_cycles(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const TimingOptions& options) {
  long total = options.pipeline_latency_cycles;
  for (const Fold& f : fold_plan(shape, rows, cols, dataflow, options)) total += f.cycles;
  return total;
}

long scalesim_total_cycles(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const TimingOptions& options) {
  return compute_cycles(shape, rows, cols, dataflow, options) - 1;
}

Utilization utilization(const GemmShape& shape, int rows, int cols, Dataflow dataflow, const std::vector<Fold>& plan,
                        const TimingOptions& options, long reported_total_cycles) {
  check_problem(shape, rows, cols);
  if (plan.empty()) throw std::invalid_argument("utilization needs a non-empty fold plan");
  if (reported_total_cycles < 1) {
    throw std::invalid_argument("utilization needs a positive total cycle count, got " +
                                std::to_string(reported_total_cycles));
  }
  const double pes = static_cast<double>(rows) * cols;
  const long t = mapping(shape, dataflow).temporal;
  PythonSum mapping_sum, compute_sum;
  for (const Fold& f : plan) {
    const double used = static_cast<double>(f.rows_used) * f.cols_used;
    const long scalesim_fold = dataflow == Dataflow::os ? rows + cols + t - 2 : 2L * rows + 2L * cols + t - 3;
    const long fold_cycles = options.is_scalesim() ? scalesim_fold : f.cycles;
    mapping_sum.add(used / pes);
    compute_sum.add(used * static_cast<double>(t) / (pes * static_cast<double>(fold_cycles)));
  }
  const double folds = static_cast<double>(plan.size());
  Utilization u;
  // Same operations in the same order as SCALE-Sim, so the printed digits agree.
  u.overall_percent = static_cast<double>(shape.macs() * 100) /
                      static_cast<double>(reported_total_cycles * static_cast<long>(rows) * cols);
  u.mapping_efficiency_percent = mapping_sum.value() / folds * 100.0;
  u.compute_percent = compute_sum.value() / folds * 100.0;
  return u;
}

}  // namespace proact
