#include "hw/control/layer_timing.hpp"

#include <algorithm>
#include <cmath>

#include "hw/array/weight_tiling.hpp"

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

// Output words the layer writes: a concat fills its input's channels only.
long written_elements(const LayerDescriptor& d) {
  return static_cast<long>((d.op == LayerOp::concat ? d.input_elements() : d.output_elements()) * d.batch);
}

LayerReport gemm_timing(const LayerDescriptor& d, const AcceleratorConfig& config) {
  const GemmShape shape{d.gemm_m(), d.gemm_n(), d.gemm_k()};
  const std::vector<LayerFold> folds = layer_folds(d, config);
  LayerReport report;
  report.macs = shape.macs() * d.gemm_groups();
  const long input_words = static_cast<long>(d.input_elements() * d.batch);
  const bool integer = format_is_integer(d.format);
  report.dram_reads = input_words + static_cast<long>(d.out_channels) * (integer ? 2 : 1);  // input, bias (int8: scales)
  report.dram_writes = static_cast<long>(d.output_elements() * d.batch);

  long dma_start = 0;
  long dma_done = dma_cycles(input_words + folds.front().block.weight_words(), config);
  long clock = 0;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const long block_words = folds[f].block.weight_words();
    FoldRecord record;
    record.stall_cycles = std::max(0L, dma_done - clock);
    record.start_cycle = clock + record.stall_cycles;
    record.compute_cycles = folds[f].fold.cycles;
    record.dma_words = block_words + (f == 0 ? input_words : 0);
    record.dma_start_cycle = dma_start;
    record.dma_end_cycle = dma_done;
    report.dram_reads += block_words;
    report.weight_sram_words += block_words;
    if (f + 1 < folds.size()) {
      dma_start = record.start_cycle;
      dma_done = dma_start + dma_cycles(folds[f + 1].block.weight_words(), config);
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
  report.dram_reads = inputs + (d.op == LayerOp::batch_norm ? 4L * d.in_channels : 0L);  // its parameters
  report.dram_writes = written_elements(d);
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
  report.act_words = written_elements(d);
  report.op = d.op;
  report.node = d.node;
  report.compute_cycles += config.timing.pipeline_latency_cycles;
  report.total_cycles = report.compute_cycles + report.stall_cycles;
  return report;
}

}  // namespace proact
