// proact cycles: per-layer cycles of a SCALE-Sim topology on a SCALE-Sim config, SCALE-Sim's
// COMPUTE_REPORT.csv plus a table (or one JSON object) on stdout.
#include <cstdio>

#include "models/io/output_file.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/scalesim/compute_report.hpp"
#include "sw/scalesim/cycles.hpp"

namespace proact {

namespace {

struct CyclesOptions {
  std::string config, topology, out;
  TimingOptions timing;
  bool json = false;
};

nlohmann::json layer_json(std::size_t id, const LayerCycles& l) {
  return {{"id", id},
          {"name", l.name},
          {"m", l.shape.m},
          {"n", l.shape.n},
          {"k", l.shape.k},
          {"macs", l.shape.macs()},
          {"folds", l.folds},
          {"compute_cycles", l.compute_cycles},
          {"stall_cycles", l.stall_cycles},
          {"cycles", l.cycles()},
          {"scalesim_total_cycles", l.scalesim_total_cycles()},
          {"overall_util_percent", l.utilization.overall_percent},
          {"mapping_efficiency_percent", l.utilization.mapping_efficiency_percent},
          {"compute_util_percent", l.utilization.compute_percent},
          {"dram_words", {{"ifmap", l.memory.ifmap_dram_words},
                          {"filter", l.memory.filter_dram_words},
                          {"ofmap", l.memory.ofmap_dram_words}}}};
}

void run_cycles(const CyclesOptions& o) {
  prepare_output_directory(o.out);
  const ScaleSimConfig config = read_scalesim_config(o.config);
  const std::vector<TopologyLayer> topology = read_topology(o.topology);
  const std::vector<LayerCycles> layers = simulate_layers(config, topology, o.timing);
  const std::string report = write_compute_report(o.out, layers, config, o.timing);
  long cycles = 0, stalls = 0;
  for (const LayerCycles& l : layers) {
    cycles += l.cycles();
    stalls += l.stall_cycles;
  }
  if (o.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i) rows.push_back(layer_json(i, layers[i]));
    print_json({{"config", o.config},
                {"run_name", config.run_name},
                {"topology", o.topology},
                {"report", report},
                {"array", {{"rows", config.array_rows}, {"cols", config.array_cols}}},
                {"dataflow", dataflow_name(config.dataflow)},
                {"memory", config.describe()},
                {"timing", o.timing.describe()},
                {"cycles", cycles},
                {"stall_cycles", stalls},
                {"layers", rows}});
    return;
  }
  std::printf("%s on %s (timing: %s)\n\n", o.topology.c_str(), config.describe().c_str(), o.timing.describe().c_str());
  std::printf("%-3s %-12s %8s %6s %6s %6s %12s %10s %10s %12s %8s %8s %8s\n", "id", "layer", "M", "N", "K", "folds",
              "compute", "stall", "total", "MACs", "util%", "map%", "comp%");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerCycles& l = layers[i];
    std::printf("%-3zu %-12s %8ld %6ld %6ld %6ld %12ld %10ld %10ld %12ld %8.2f %8.2f %8.2f\n", i, l.name.c_str(),
                l.shape.m, l.shape.n, l.shape.k, l.folds, l.compute_cycles, l.stall_cycles,
                l.scalesim_total_cycles(), l.shape.macs(), l.utilization.overall_percent,
                l.utilization.mapping_efficiency_percent, l.utilization.compute_percent);
  }
  std::printf("\n%zu layers, %ld cycles (%ld stall); total = SCALE-Sim's Total Cycles (last cycle index)\n%s\n",
              layers.size(), cycles, stalls, report.c_str());
}

}  // namespace

void add_cycles_command(CLI::App& app) {
  auto o = std::make_shared<CyclesOptions>();
  CLI::App* c = app.add_subcommand("cycles", "Per-layer cycles of a SCALE-Sim topology (SCALE-Sim's COMPUTE_REPORT.csv)");
  c->add_option("--config", o->config, "SCALE-Sim config file (.cfg)")->required();
  c->add_option("--topology", o->topology, "SCALE-Sim topology file (.csv, conv or GEMM form)")->required();
  c->add_option("--out", o->out, "Directory for COMPUTE_REPORT.csv (created if missing)")->required();
  c->add_flag("--overlap-weight-load", o->timing.overlap_weight_load,
              "Hide each fold's weight (ws) or ifmap (is) preload under the previous fold");
  c->add_flag("--trim-partial-folds", o->timing.trim_partial_folds,
              "Partial folds fill and drain only the rows and columns they use");
  c->add_option("--fold-overhead", o->timing.fold_overhead_cycles, "Fixed cycles added to every fold")
      ->check(CLI::Range(0L, 1000000000L))
      ->capture_default_str();
  c->add_option("--pipeline-latency", o->timing.pipeline_latency_cycles,
                "Activation-pipeline latency added once per layer, in cycles")
      ->check(CLI::Range(0L, 1000000000L))
      ->capture_default_str();
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o] { run_cycles(*o); });
}

}  // namespace proact
