#include "hw/control/dma_schedule.hpp"

#include <algorithm>

#include "hw/memory/dram_channel.hpp"

namespace proact {

std::string dma_kind_name(DmaKind kind) {
  switch (kind) {
    case DmaKind::weights: return "weights";
    case DmaKind::input: return "input";
    case DmaKind::output: return "output";
  }
  return "?";
}

DmaSchedule schedule_steps(const std::vector<DmaStep>& steps, long pipeline_latency, const AcceleratorConfig& config) {
  DramChannel channel(config);
  DmaSchedule schedule;
  const auto move = [&](DmaKind kind, std::size_t step, long words, long issue) {
    if (words <= 0) return issue;
    const long end = kind == DmaKind::output ? channel.write(issue, words) : channel.read(issue, words);
    schedule.transfers.push_back({kind, step, words, issue, end});
    (kind == DmaKind::output ? schedule.dram_writes : schedule.dram_reads) += words;
    return end;
  };
  struct Ready {
    long weights = 0, input = 0;
  };
  const auto fetch = [&](std::size_t s, long issue) {
    return Ready{move(DmaKind::weights, s, steps[s].weight_words, issue), move(DmaKind::input, s, steps[s].input_words, issue)};
  };

  std::vector<long> drained;  // per output tile: the cycle its last word has left (its closing step's end if on chip)
  long clock = 0, last_drain = 0;
  Ready ready = steps.empty() ? Ready{} : fetch(0, 0);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const DmaStep& step = steps[s];
    StepRecord record;
    record.fold = step.fold;
    long at = clock;
    record.weight_stall = std::max(0L, ready.weights - at);
    at = std::max(at, ready.weights);
    record.input_stall = std::max(0L, ready.input - at);
    at = std::max(at, ready.input);
    if (step.opens_output_tile) {
      const std::size_t tile = drained.size();  // the tile this step opens (closed tiles so far)
      const long free = tile >= 2 ? drained[tile - 2] : 0;
      record.output_stall = std::max(0L, free - at);
      at = std::max(at, free);
    }
    record.start_cycle = at;
    record.compute_cycles = step.compute_cycles;
    if (s + 1 < steps.size()) ready = fetch(s + 1, at);
    clock = at + step.compute_cycles;
    if (step.closes_output_tile) {
      drained.push_back(move(DmaKind::output, s, step.output_words, clock));
      last_drain = std::max(last_drain, drained.back());
    }
    schedule.steps.push_back(record);
  }
  const long computed = clock + pipeline_latency;
  schedule.tail_stall = std::max(0L, last_drain - computed);
  schedule.end_cycle = computed + schedule.tail_stall;
  return schedule;
}

}  // namespace proact
