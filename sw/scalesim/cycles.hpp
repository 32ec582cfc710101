#pragma once
// The `proact cycles` computation: every layer of a SCALE-Sim topology on the configured array,
// compute cycles from hw/array/timing.hpp and DRAM stalls from hw/memory/memory_timing.hpp.
#include <string>
#include <vector>

#include "hw/memory/memory_timing.hpp"
#include "hw/array/timing.hpp"
#include "sw/scalesim/config.hpp"
#include "sw/scalesim/topology.hpp"

namespace proact {

struct LayerCycles {
  std::string name;
  GemmShape shape;
  long folds = 0;
  long compute_cycles = 0;  // stall-free, under the timing options
  long stall_cycles = 0;
  Utilization utilization;
  MemoryTiming memory;

  long cycles() const { return compute_cycles + stall_cycles; }
  long scalesim_total_cycles() const { return cycles() - 1; }  // SCALE-Sim prints the last cycle's index
};

std::vector<LayerCycles> simulate_layers(const ScaleSimConfig& config, const std::vector<TopologyLayer>& layers,
                                         const TimingOptions& options);

}  // namespace proact
