#include "hw/layer_timing.hpp"

#include <algorithm>
#include <cmath>

#include "hw/weight_tiling.hpp"

namespace proact {

double LayerReport::utilisation(int rows, int cols) const {
  return total_cycles > 0 ? static_cast<double>(macs) / (static_cast<double>(total_cycles) * rows * cols) : 0.0;
}

void LayerReport::accumulate(const LayerReport& other) {
  compute_cycles += other.compute_cycles;
  stall_cycles += other.stall_cycles;
  total_cycles += other.total_cycles;
  macs += other.macs;
  dram_reads += other.dram_reads;
  dram_writes += other.dram_writes;
  weight_sram_words += other.weight_sram_words;
  act_words += other.act_words;
}

long dma_cycles(long words, const AcceleratorConfig& config) {
  if (words <= 0) return 0;
  return config.dram_latency_cycles + static_cast<long>(std::ceil(static_cast<double>(words) / config.dram_words_per_cycle));
}

namespace {

LayerReport gemm_timing(const LayerDescriptor& d, const AcceleratorConfig& config) {
  const GemmShape shape{d.gemm_m(), d.gemm_n(), d.gemm_k()};
  const std::vector<Fold> plan = fold_plan(shape, config.array_rows, config.array_cols, config.dataflow, config.timing);
  LayerReport report;
  report.macs = shape.macs();
  const long input_words = static_cast<long>(d.input_elements() * d.batch);
  const bool integer = format_is_integer(d.format);
  report.dram_reads = input_words + shape.n * (integer ? 2 : 1);  // input, bias (and int8 scales)
  report.dram_writes = static_cast<long>(d.output_elements() * d.batch);

  long dma_start = 0;
  long dma_done = dma_cycles(input_words + fold_block(plan.front(), config.dataflow, shape).weight_words(), config);
  long clock = 0;
  for (std::size_t f = 0; f < plan.size(); ++f) {
    const long block_words = fold_block(plan[f], config.dataflow, shape).weight_words();
    FoldRecord record;
    record.stall_cycles = std::max(0L, dma_done - clock);
    record.start_cycle = clock + record.stall_cycles;
    record.compute_cycles = plan[f].cycles;
    record.dma_words = block_words + (f == 0 ? input_words : 0);
    record.dma_start_cycle = dma_start;
    record.dma_end_cycle = dma_done;
    report.dram_reads += block_words;
    report.weight_sram_words += block_words;
    if (f + 1 < plan.size()) {
      dma_start = record.start_cycle;
      dma_done = dma_start + dma_cycles(fold_block(plan[f + 1], config.dataflow, shape).weight_words(), config);
    }
    clock = record.start_cycle + record.compute_cycles;
    report.compute_cycles += record.compute_cycles;
    report.stall_cycles += record.stall_cycles;
    report.folds.push_back(record);
  }
  return report;
}

LayerReport vector_timing(const LayerDescriptor& d, const AcceleratorConfig& config) {
  LayerReport report;
  const long inputs = static_cast<long>(d.input_elements() * d.batch) * (d.op == LayerOp::add ? 2 : 1);
  report.dram_reads = inputs;
  report.dram_writes = static_cast<long>(d.output_elements() * d.batch);
  // The input streams in while the unit works: the unit waits for the first words (the DRAM
  // latency) and for whatever the transfer takes beyond its own pace.
  const long lanes = config.array_cols;
  report.compute_cycles = (inputs + lanes - 1) / lanes;
  report.stall_cycles = std::max(0L, dma_cycles(inputs, config) - report.compute_cycles);
  return report;
}

}  // namespace

LayerReport layer_timing(const LayerDescriptor& d, const AcceleratorConfig& config) {
  LayerReport report = is_gemm(d.op) ? gemm_timing(d, config) : vector_timing(d, config);
  report.act_words = static_cast<long>(d.output_elements() * d.batch);
  report.op = d.op;
  report.node = d.node;
  report.compute_cycles += config.timing.pipeline_latency_cycles;
  report.total_cycles = report.compute_cycles + report.stall_cycles;
  return report;
}

}  // namespace proact
