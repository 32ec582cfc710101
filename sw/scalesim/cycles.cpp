#include "sw/scalesim/cycles.hpp"

namespace proact {

std::vector<LayerCycles> simulate_layers(const ScaleSimConfig& config, const std::vector<TopologyLayer>& layers,
                                         const TimingOptions& options) {
  options.validate();
  const MemoryConfig memory = config.memory();
  std::vector<LayerCycles> out;
  out.reserve(layers.size());
  for (const TopologyLayer& layer : layers) {
    const int rows = config.array_rows, cols = config.array_cols;
    const std::vector<Fold> plan = fold_plan(layer.shape, rows, cols, config.dataflow, options);
    LayerCycles r;
    r.name = layer.name;
    r.shape = layer.shape;
    r.folds = static_cast<long>(plan.size());
    r.compute_cycles = options.pipeline_latency_cycles;
    for (const Fold& f : plan) r.compute_cycles += f.cycles;
    const StreamSizes streams = config.reads_stall() ? stream_sizes(layer.shape) : StreamSizes{};
    r.memory = memory_stalls(fold_traffic(layer.shape, rows, cols, config.dataflow, plan, options), streams, memory);
    r.stall_cycles = r.memory.stall_cycles;
    r.utilization = utilization(layer.shape, rows, cols, config.dataflow, plan, options, r.scalesim_total_cycles());
    out.push_back(r);
  }
  return out;
}

}  // namespace proact
