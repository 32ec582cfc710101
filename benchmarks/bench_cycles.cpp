// `proact cycles` speed: the whole computation for AlexNet's five conv layers on a 32x32 array
// (parse SCALE-Sim's config and topology, fold plans, compute cycles, DRAM stall model, write
// COMPUTE_REPORT.csv into memory), per dataflow, with USER bandwidth so every layer streams its
// operands. Goal: well under 1 s per run (the time column is per iteration).
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

#include "models/kernels/gemm.hpp"
#include "sw/scalesim/compute_report.hpp"
#include "sw/scalesim/config.hpp"
#include "sw/scalesim/cycles.hpp"
#include "sw/scalesim/topology.hpp"

namespace proact::bench {

namespace {

// SCALE-Sim's configs/scale.cfg with USER bandwidth, and its topologies/conv_nets/alexnet.csv.
std::string config_text(Dataflow dataflow) {
  return "[general]\nrun_name = bench\n[architecture_presets]\nArrayHeight: 32\nArrayWidth: 32\n"
         "IfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\nBandwidth : 10\nDataflow : " +
         dataflow_name(dataflow) + "\n[run_presets]\nInterfaceBandwidth: USER\n";
}

const char* const kAlexNet =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
    "Conv1, 224, 224, 11, 11, 3, 96, 4,\nConv2, 27, 27, 5, 5, 96, 256, 1,\nConv3, 13, 13, 3, 3, 256, 384, 1,\n"
    "Conv4, 13, 13, 3, 3, 384, 384, 1,\nConv5, 13, 13, 3, 3, 384, 256, 1,\n";

void cycles_alexnet(benchmark::State& state) {
  const Dataflow dataflow = static_cast<Dataflow>(state.range(0));
  long total_cycles = 0;
  for (auto _ : state) {
    std::istringstream config_in(config_text(dataflow)), topology_in(kAlexNet);
    const ScaleSimConfig config = parse_scalesim_config(config_in, "scale.cfg");
    const TimingOptions options;
    const auto layers = simulate_layers(config, parse_topology(topology_in, "alexnet.csv"), options);
    std::ostringstream report;
    write_compute_report(report, layers, config, options);
    benchmark::DoNotOptimize(report.str());
    total_cycles = 0;
    for (const LayerCycles& l : layers) total_cycles += l.cycles();
  }
  state.SetLabel("alexnet 32x32 " + dataflow_name(dataflow));
  state.counters["simulated_cycles"] = static_cast<double>(total_cycles);
}

}  // namespace

BENCHMARK(cycles_alexnet)
    ->ArgName("dataflow")
    ->Arg(static_cast<int>(Dataflow::ws))
    ->Arg(static_cast<int>(Dataflow::os))
    ->Arg(static_cast<int>(Dataflow::is))
    ->Unit(benchmark::kMillisecond);

}  // namespace proact::bench
