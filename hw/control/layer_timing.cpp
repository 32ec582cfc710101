#include "hw/control/layer_timing.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "hw/array/weight_tiling.hpp"

namespace proact {

double LayerReport::utilisation(int rows, int cols) const {
  return total_cycles > 0 ? static_cast<double>(macs) / (static_cast<double>(total_cycles) * rows * cols) : 0.0;
}

void LayerReport::accumulate(const LayerReport& other) {
  compute_cycles += other.compute_cycles;
  stall_cycles += other.stall_cycles;
  weight_stall_cycles += other.weight_stall_cycles;
  input_stall_cycles += other.input_stall_cycles;
  output_stall_cycles += other.output_stall_cycles;
  total_cycles += other.total_cycles;
  macs += other.macs;
  vector_words += other.vector_words;
  dram_reads += other.dram_reads;
  dram_writes += other.dram_writes;
  weight_sram_words += other.weight_sram_words;
  act_reads += other.act_reads;
  act_writes += other.act_writes;
  clip_compares += other.clip_compares;
  fill_drain_pe_cycles += other.fill_drain_pe_cycles;
  partial_fold_pe_cycles += other.partial_fold_pe_cycles;
}

namespace {

__extension__ typedef __int128 Wide;  // products of two word counts

// floor(total * part / whole): cumulative shares, so consecutive differences add up to `total`.
long share(long total, long part, long whole) { return static_cast<long>(static_cast<Wide>(total) * part / whole); }

// Output words the layer writes: a concat fills its input's channels only; a fused pool writes
// the pooled planes.
long written_elements(const LayerDescriptor& d) {
  return static_cast<long>((d.op == LayerOp::concat ? d.input_elements() : d.result_elements()) * d.batch);
}

// The descriptor's staging words (hw/interface/layer_descriptor.hpp): chunks are a quarter of them.
long staging_words(const LayerDescriptor& d, const AcceleratorConfig& config) {
  return static_cast<long>(d.stage_words == 0 ? config.act_sram_total_words() : d.stage_words);
}

// The folds as DMA steps, and the PE-cycles their compute spends off MACs.
std::vector<DmaStep> gemm_steps(const LayerDescriptor& d, const AcceleratorConfig& config, LayerReport& report) {
  const std::vector<LayerFold> folds = layer_folds(d, config);
  const long m = d.gemm_m(), k = d.gemm_k(), groups = d.gemm_groups();
  const long input_words = d.input_on_chip ? 0 : static_cast<long>(d.input_elements() * d.batch);
  const long outputs = d.gemm_n() * m * groups, written = d.output_on_chip ? 0 : written_elements(d);
  // The second operand of a fused add, read as outputs complete.
  const long residual = d.residual && !d.input2_on_chip ? outputs : 0;
  const long stage = staging_words(d, config);
  const bool input_kept = input_words <= stage / 2;
  const long pes = static_cast<long>(config.array_rows) * config.array_cols;

  const long half_bank = std::max(1L, stage / 4);
  std::map<std::pair<long, std::pair<long, long>>, long> tile_words;  // (group, (k0, m0)) -> words
  long fetched_area = 0, completed = 0;  // over the whole layer: area = K x M per group
  std::vector<DmaStep> steps;
  steps.reserve(folds.size());
  for (const LayerFold& f : folds) {
    const FoldBlock& b = f.block;
    long input = 0, output = 0;
    const auto key = std::make_pair(f.group, std::make_pair(b.k0, b.m0));
    const auto found = tile_words.find(key);
    if (found == tile_words.end()) {
      const long before = share(input_words, fetched_area, k * m * groups);
      fetched_area += (b.k1 - b.k0) * (b.m1 - b.m0);
      input = share(input_words, fetched_area, k * m * groups) - before;
      tile_words.emplace(key, input);
    } else if (!input_kept) {
      input = found->second;
    }
    const bool closes = b.k1 == k;  // the fold's K range ends at K: its outputs are complete
    if (closes) {
      const long before = completed;
      completed += (b.n1 - b.n0) * (b.m1 - b.m0);
      output = share(written, completed, outputs) - share(written, before, outputs);
      input += share(residual, completed, outputs) - share(residual, before, outputs);
    }
    // The fold streams its input and drains its outputs in chunks of at most half a bank; each
    // chunk of a closing fold fills one half of the output bank.
    const long chunks = std::max({1L, (input + half_bank - 1) / half_bank, (output + half_bank - 1) / half_bank});
    for (long c = 0; c < chunks; ++c) {
      DmaStep step;
      step.fold = static_cast<long>(&f - folds.data());
      step.compute_cycles = share(f.fold.cycles, c + 1, chunks) - share(f.fold.cycles, c, chunks);
      step.weight_words = c == 0 ? b.weight_words() : 0;
      step.input_words = share(input, c + 1, chunks) - share(input, c, chunks);
      step.output_words = share(output, c + 1, chunks) - share(output, c, chunks);
      step.opens_output_tile = step.closes_output_tile = closes;
      steps.push_back(step);
    }
    const long used = static_cast<long>(f.fold.rows_used) * f.fold.cols_used;
    const long fold_macs = b.weight_words() * (b.m1 - b.m0);
    report.macs += fold_macs;
    report.fill_drain_pe_cycles += used * f.fold.cycles - fold_macs;
    report.partial_fold_pe_cycles += (pes - used) * f.fold.cycles;
    report.weight_sram_words += b.weight_words();
  }
  const long rows = d.gemm_n() * groups;
  steps.front().weight_words += rows * (format_is_integer(d.format) ? 2 : 1);  // bias (int8: and scales)
  report.fill_drain_pe_cycles += pes * config.timing.pipeline_latency_cycles;
  report.folds = static_cast<long>(folds.size());
  return steps;
}

// Tiles of a quarter of the staging words of input words, one word per column per cycle.
std::vector<DmaStep> vector_steps(const LayerDescriptor& d, const AcceleratorConfig& config, LayerReport& report) {
  const long lanes = config.array_cols;
  const long per_operand = static_cast<long>(d.input_elements() * d.batch);
  const long inputs = per_operand * (d.op == LayerOp::add ? 2 : 1);
  // The operands in DRAM (an add's second one too), read with the tiles in proportion.
  const long from_dram = (d.input_on_chip ? 0 : per_operand) + (d.op == LayerOp::add && !d.input2_on_chip ? per_operand : 0);
  const long written = d.output_on_chip ? 0 : written_elements(d);
  const long tile = std::max(lanes, staging_words(d, config) / 4);
  report.vector_words = inputs;
  std::vector<DmaStep> steps;
  for (long begin = 0; begin < inputs; begin += tile) {
    const long end = std::min(inputs, begin + tile);
    DmaStep step;
    step.input_words = share(from_dram, end, inputs) - share(from_dram, begin, inputs);
    step.compute_cycles = (end - begin + lanes - 1) / lanes;
    step.output_words = share(written, end, inputs) - share(written, begin, inputs);
    steps.push_back(step);
  }
  if (d.op == LayerOp::batch_norm) steps.front().weight_words = 4L * d.in_channels;  // gamma, beta, mean, variance
  return steps;
}

}  // namespace

LayerReport layer_timing(const LayerDescriptor& d, const AcceleratorConfig& config) {
  LayerReport report;
  report.op = d.op;
  report.node = d.node;
  const std::vector<DmaStep> steps = is_gemm(d.op) ? gemm_steps(d, config, report) : vector_steps(d, config, report);
  DmaSchedule schedule = schedule_steps(steps, config.timing.pipeline_latency_cycles, config);
  report.compute_cycles = config.timing.pipeline_latency_cycles;
  for (const StepRecord& s : schedule.steps) {
    report.compute_cycles += s.compute_cycles;
    report.weight_stall_cycles += s.weight_stall;
    report.input_stall_cycles += s.input_stall;
    report.output_stall_cycles += s.output_stall;
  }
  report.output_stall_cycles += schedule.tail_stall;
  report.stall_cycles = report.weight_stall_cycles + report.input_stall_cycles + report.output_stall_cycles;
  report.total_cycles = schedule.end_cycle;
  report.dram_reads = schedule.dram_reads;
  report.dram_writes = schedule.dram_writes;
  // The activation SRAM: every result is written into it, a staged one read back by the drain;
  // operands on chip are read from it.
  const long result = written_elements(d), per_operand = static_cast<long>(d.input_elements() * d.batch);
  report.act_writes = result;
  report.act_reads = (d.output_on_chip ? 0 : result) + (d.input_on_chip ? per_operand : 0);
  if (d.input2_on_chip) {
    if (d.residual) report.act_reads += static_cast<long>(d.output_elements() * d.batch);
    else if (d.op == LayerOp::add) report.act_reads += per_operand;
  }
  if (d.post == PostOp::clip) report.clip_compares = static_cast<long>(d.output_elements() * d.batch);
  report.steps = std::move(schedule.steps);
  report.transfers = std::move(schedule.transfers);
  return report;
}

RooflineBound roofline_bound(const LayerReport& report, const AcceleratorConfig& config) {
  const long pes = static_cast<long>(config.array_rows) * config.array_cols;
  RooflineBound bound;
  bound.compute_cycles = (report.macs + pes - 1) / pes + (report.vector_words + config.array_cols - 1) / config.array_cols;
  bound.memory_cycles =
      static_cast<long>(std::ceil(static_cast<double>(report.dram_reads + report.dram_writes) / config.dram_words_per_cycle));
  return bound;
}

long PeCycles::total() const {
  return macs + fill_drain + partial_folds + weight_stalls + input_stalls + output_stalls + activation_unit;
}

PeCycles& PeCycles::operator+=(const PeCycles& other) {
  macs += other.macs;
  fill_drain += other.fill_drain;
  partial_folds += other.partial_folds;
  weight_stalls += other.weight_stalls;
  input_stalls += other.input_stalls;
  output_stalls += other.output_stalls;
  activation_unit += other.activation_unit;
  return *this;
}

PeCycles pe_cycles(const LayerReport& report, const AcceleratorConfig& config) {
  const long pes = static_cast<long>(config.array_rows) * config.array_cols;
  PeCycles p;
  p.macs = report.macs;
  p.fill_drain = report.fill_drain_pe_cycles;
  p.partial_folds = report.partial_fold_pe_cycles;
  p.weight_stalls = pes * report.weight_stall_cycles;
  p.input_stalls = pes * report.input_stall_cycles;
  p.output_stalls = pes * report.output_stall_cycles;
  if (!is_gemm(report.op)) p.activation_unit = pes * report.compute_cycles;
  return p;
}

}  // namespace proact
