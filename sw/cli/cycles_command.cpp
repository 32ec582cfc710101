// proact cycles: per-layer cycles on a SCALE-Sim config (or an accelerator config) of a SCALE-Sim
// topology, or of any model's topology derived from its shapes (sw/scalesim/model_topology.hpp),
// as a table (or one JSON object) on stdout and SCALE-Sim's COMPUTE_REPORT.csv.
#include <cstdio>
#include <filesystem>

#include "models/io/output_file.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/model/load_model.hpp"
#include "sw/scalesim/compute_report.hpp"
#include "sw/scalesim/cycles.hpp"
#include "sw/scalesim/model_topology.hpp"

namespace proact {

namespace {

struct CyclesOptions {
  std::string topology, model, topology_out;
  std::vector<int> input_shape;  // empty: the model's
  std::string config, preset = "default", out;
  TimingOptions timing;
  bool fold_overhead_given = false, pipeline_latency_given = false;
  bool json = false;
};

// The array: a SCALE-Sim .cfg as it is, or an accelerator config (a .json file as simulate --config
// reads it, or a preset) through scalesim_config, with its timing options unless given here.
struct ArrayChoice {
  ScaleSimConfig config;
  TimingOptions timing;
};

ArrayChoice choose_array(const CyclesOptions& o) {
  if (!o.config.empty() && std::filesystem::path(o.config).extension() != ".json") {
    return {read_scalesim_config(o.config), o.timing};
  }
  const AcceleratorConfig accelerator = o.config.empty() ? preset(o.preset) : load_config(o.config);
  ArrayChoice choice{scalesim_config(accelerator, o.config.empty() ? o.preset : o.config), accelerator.timing};
  choice.timing.overlap_weight_load |= o.timing.overlap_weight_load;
  choice.timing.trim_partial_folds |= o.timing.trim_partial_folds;
  if (o.fold_overhead_given) choice.timing.fold_overhead_cycles = o.timing.fold_overhead_cycles;
  if (o.pipeline_latency_given) choice.timing.pipeline_latency_cycles = o.timing.pipeline_latency_cycles;
  return choice;
}

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
  if (o.topology.empty() == o.model.empty()) throw std::invalid_argument("give --topology FILE or --model M (one of them)");
  if (!o.out.empty()) prepare_output_directory(o.out);
  if (!o.topology_out.empty()) prepare_output_file(o.topology_out);
  const ArrayChoice array = choose_array(o);
  std::vector<TopologyLayer> topology;
  Shape input_shape;
  if (o.model.empty()) {
    topology = read_topology(o.topology);
  } else {
    const Checkpoint checkpoint = load_model(o.model, Weights::shapes_only);  // shapes are all it needs
    input_shape = o.input_shape.empty() ? checkpoint.network.input_shape() : Shape(o.input_shape);
    const std::vector<ConvRow> rows = model_topology(checkpoint.network, input_shape);
    if (rows.empty()) throw std::invalid_argument("model " + o.model + " has no layer the systolic array computes");
    if (!o.topology_out.empty()) write_file_atomically(o.topology_out, format_topology(rows));
    topology = topology_layers(rows);
  }
  const std::vector<LayerCycles> layers = simulate_layers(array.config, topology, array.timing);
  const std::string report = o.out.empty() ? "" : write_compute_report(o.out, layers, array.config, array.timing);
  long cycles = 0, stalls = 0;
  for (const LayerCycles& l : layers) {
    cycles += l.cycles();
    stalls += l.stall_cycles;
  }
  const auto or_null = [](const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); };
  if (o.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i) rows.push_back(layer_json(i, layers[i]));
    print_json({{"config", or_null(o.config)},
                {"preset", o.config.empty() ? nlohmann::json(o.preset) : nlohmann::json()},
                {"run_name", array.config.run_name},
                {"topology", or_null(o.topology)},
                {"model", or_null(o.model)},
                {"input_shape", o.model.empty() ? nlohmann::json() : nlohmann::json(input_shape)},
                {"topology_out", or_null(o.topology_out)},
                {"report", or_null(report)},
                {"array", {{"rows", array.config.array_rows}, {"cols", array.config.array_cols}}},
                {"dataflow", dataflow_name(array.config.dataflow)},
                {"memory", array.config.describe()},
                {"timing", array.timing.describe()},
                {"cycles", cycles},
                {"stall_cycles", stalls},
                {"layers", rows}});
    return;
  }
  const std::string source = o.model.empty() ? o.topology : o.model + " with input " + shape_string(input_shape);
  std::printf("%s on %s (timing: %s)\n\n", source.c_str(), array.config.describe().c_str(),
              array.timing.describe().c_str());
  std::printf("%-3s %-12s %8s %6s %6s %6s %12s %10s %10s %12s %8s %8s %8s\n", "id", "layer", "M", "N", "K", "folds",
              "compute", "stall", "total", "MACs", "util%", "map%", "comp%");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerCycles& l = layers[i];
    std::printf("%-3zu %-12s %8ld %6ld %6ld %6ld %12ld %10ld %10ld %12ld %8.2f %8.2f %8.2f\n", i, l.name.c_str(),
                l.shape.m, l.shape.n, l.shape.k, l.folds, l.compute_cycles, l.stall_cycles,
                l.scalesim_total_cycles(), l.shape.macs(), l.utilization.overall_percent,
                l.utilization.mapping_efficiency_percent, l.utilization.compute_percent);
  }
  std::printf("\n%zu layers, %ld cycles (%ld stall); total = SCALE-Sim's Total Cycles (last cycle index)\n",
              layers.size(), cycles, stalls);
  if (!o.topology_out.empty()) std::printf("%s\n", o.topology_out.c_str());
  if (!report.empty()) std::printf("%s\n", report.c_str());
}

}  // namespace

void add_cycles_command(CLI::App& app) {
  auto o = std::make_shared<CyclesOptions>();
  CLI::App* c = app.add_subcommand("cycles", "Per-layer cycles of a SCALE-Sim topology or of a model (SCALE-Sim's COMPUTE_REPORT.csv)");
  CLI::Option* topology = c->add_option("--topology", o->topology, "SCALE-Sim topology file (.csv, conv or GEMM form)");
  CLI::Option* model = c->add_option("--model", o->model,
                                     "Zoo name, checkpoint path or ONNX file (.onnx): its conv and dense layers as a topology")
                           ->excludes(topology);
  c->add_option("--input-shape", o->input_shape, "The model's per-image input shape C,H,W (default: the model's own)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber)
      ->needs(model);
  c->add_option("--topology-out", o->topology_out, "Write the model's SCALE-Sim topology (.csv, conv form) here")
      ->needs(model);
  CLI::Option* config = c->add_option("--config", o->config,
                                      "SCALE-Sim config file (.cfg), or an accelerator config (.json, as simulate --config)");
  c->add_option("--preset", o->preset, "Accelerator preset (when no --config): " + preset_list())
      ->excludes(config)
      ->capture_default_str();
  c->add_option("--out", o->out, "Directory for COMPUTE_REPORT.csv (created if missing)");
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
  c->callback([o, c] {
    o->fold_overhead_given = c->count("--fold-overhead") > 0;
    o->pipeline_latency_given = c->count("--pipeline-latency") > 0;
    run_cycles(*o);
  });
}

}  // namespace proact
