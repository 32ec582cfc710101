// proact simulate: a zoo model on the accelerator, functional or SystemC engine: accuracy and
// per-layer cycles, stalls, utilisation and MACs, energy per image and area. --thresholds loads a threshold file in its
// hardware form (CLIP_THRESHOLD registers and THRESHOLD_TABLE); the SystemC engine reads them
// back through the driver afterwards and fails unless they equal the file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "hw/accelerator.hpp"
#include "models/io/output_file.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/cli/model_run.hpp"
#include "sw/engine/energy_report.hpp"
#include "sw/engine/inference.hpp"
#include "sw/engine/roofline_plot.hpp"
#include "sw/thresholds/readback.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

struct SimulateOptions {
  std::string model = "lenet5";
  std::string engine = "systemc";
  AcceleratorOptions accelerator;
  EnergyOptions energy;
  DataOptions data;
  std::size_t limit = 1000;
  int batch = 64;
  std::string trace_dir;
  std::string thresholds;  // threshold file, empty: plain ReLU
  std::string roofline;    // PNG path, empty: no plot
  bool poll = false;
  bool json = false;
};

// Arithmetic intensity in MACs per DRAM byte (0 without traffic).
double intensity(const LayerReport& r) {
  return r.dram_bytes() > 0 ? static_cast<double>(r.macs) / static_cast<double>(r.dram_bytes()) : 0.0;
}

nlohmann::json pe_cycles_json(const PeCycles& p) {
  return {{"macs", p.macs}, {"fill_drain", p.fill_drain}, {"partial_folds", p.partial_folds},
          {"weight_stalls", p.weight_stalls}, {"input_stalls", p.input_stalls}, {"output_stalls", p.output_stalls},
          {"activation_unit", p.activation_unit}};
}

nlohmann::json layer_json(const Program& program, std::size_t i, const LayerReport& r, const AcceleratorConfig& c) {
  const LayerDescriptor& d = program.layers[i];
  const RooflineBound bound = roofline_bound(r, c);
  nlohmann::json row = {{"layer", program.layer_names[i]}, {"op", layer_op_name(d.op)}, {"ops", d.op_label()},
                        {"cycles", r.total_cycles},
                        {"compute_cycles", r.compute_cycles}, {"stall_cycles", r.stall_cycles},
                        {"weight_stall_cycles", r.weight_stall_cycles}, {"input_stall_cycles", r.input_stall_cycles},
                        {"output_stall_cycles", r.output_stall_cycles}, {"macs", r.macs},
                        {"utilisation", r.utilisation(c.array_rows, c.array_cols)}, {"dram_reads", r.dram_reads},
                        {"dram_writes", r.dram_writes}, {"dram_bytes", r.dram_bytes()},
                        {"intensity_macs_per_byte", intensity(r)}, {"roofline_compute_cycles", bound.compute_cycles},
                        {"roofline_memory_cycles", bound.memory_cycles}, {"roofline_cycles", bound.cycles()},
                        {"pe_cycles", pe_cycles_json(pe_cycles(r, c))}, {"input_on_chip", d.input_on_chip},
                        {"output_on_chip", d.output_on_chip},
                        {"stage_words", d.stage_words == 0 ? c.act_sram_total_words() : d.stage_words}};
  if (is_gemm(d.op)) {
    row["m"] = d.gemm_m();
    row["n"] = d.gemm_n();
    row["k"] = d.gemm_k();
    row["groups"] = d.gemm_groups();
    row["folds"] = r.folds;
  }
  return row;
}

std::string percent_of(long part, long whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return text;
}

// Per layer: cycles against the roofline bound, with the DRAM traffic that sets it.
void print_cycles_table(const AcceleratorConfig& c, const Program& program, const InferenceRun& run, int name_width) {
  // A grouped conv's shape is one group's GEMM, run once per group.
  std::vector<std::string> shapes(run.layers.size());
  int shape_width = 22, op_width = 16;
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    const LayerDescriptor& d = program.layers[i];
    op_width = std::max(op_width, static_cast<int>(d.op_label().size()));
    if (is_gemm(d.op)) {
      shapes[i] = std::to_string(d.gemm_m()) + " x " + std::to_string(d.gemm_n()) + " x " + std::to_string(d.gemm_k());
      if (d.gemm_groups() > 1) shapes[i] += ", " + std::to_string(d.gemm_groups()) + " groups";
    }
    shape_width = std::max(shape_width, static_cast<int>(shapes[i].size()));
  }
  const auto row = [&](const std::string& name, const std::string& op, const std::string& result, const std::string& shape,
                       const std::string& folds, const LayerReport& r) {
    const std::string mac_per_byte = r.macs > 0 && r.dram_bytes() > 0 ? [&] {
      char text[32];
      std::snprintf(text, sizeof text, "%.2f", intensity(r));
      return std::string(text);
    }() : std::string("-");
    std::printf("%-*s %-*s %-6s %*s %6s %13ld %12ld %13ld %6s %15ld %11.1f %7s %6.1f\n", name_width, name.c_str(),
                op_width, op.c_str(), result.c_str(), shape_width, shape.c_str(), folds.c_str(), r.total_cycles, r.stall_cycles, roofline_bound(r, c).cycles(),
                percent_of(roofline_bound(r, c).cycles(), r.total_cycles).c_str(), r.macs,
                static_cast<double>(r.dram_bytes()) / 1024.0, mac_per_byte.c_str(),
                100.0 * r.utilisation(c.array_rows, c.array_cols));
  };
  std::printf("%-*s %-*s %-6s %*s %6s %13s %12s %13s %6s %15s %11s %7s %6s\n", name_width, "layer", op_width, "op",
              "result", shape_width,
              "GEMM M x N x K", "folds", "cycles", "stalls", "bound", "bound%", "MACs", "DRAM KiB", "MACs/B", "util%");
  LayerReport total;
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    const LayerReport& r = run.layers[i];
    const LayerDescriptor& d = program.layers[i];
    row(program.layer_names[i], d.op_label(), d.output_on_chip ? "chip" : "DRAM", shapes[i],
        is_gemm(d.op) ? std::to_string(r.folds) : "", r);
    total.accumulate(r);
  }
  row("total", "", "", "", "", total);
}

// Per layer: where the array's PE-cycles go, in percent of the layer's (total: of the network's).
void print_pe_cycles_table(const AcceleratorConfig& c, const Program& program, const InferenceRun& run, int name_width) {
  std::printf("%-*s %7s %11s %8s %9s %9s %9s %9s\n", name_width, "layer", "MACs%", "fill/drain%", "partial%",
              "w-stall%", "in-stall%", "out-stall%", "act-unit%");
  const auto row = [&](const std::string& name, const PeCycles& p) {
    const long all = p.total();
    std::printf("%-*s %7s %11s %8s %9s %9s %9s %9s\n", name_width, name.c_str(), percent_of(p.macs, all).c_str(),
                percent_of(p.fill_drain, all).c_str(), percent_of(p.partial_folds, all).c_str(),
                percent_of(p.weight_stalls, all).c_str(), percent_of(p.input_stalls, all).c_str(),
                percent_of(p.output_stalls, all).c_str(), percent_of(p.activation_unit, all).c_str());
  };
  PeCycles total;
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    const PeCycles p = pe_cycles(run.layers[i], c);
    row(program.layer_names[i], p);
    total += p;
  }
  row("total", total);
}

// Per layer: energy per image by what spends it, in nJ; then the network's split and the area.
void print_energy_table(const Program& program, const std::vector<EnergyBreakdown>& energies, double images,
                        const EnergyModel& model, const EnergyTable& table, int name_width) {
  std::printf("\nenergy per image in nJ, weight SRAM at %.2f V (%s):\n", model.weight_sram_volts(), table.name.c_str());
  std::printf("%-*s %12s %12s %12s %10s %10s %12s %10s %12s %7s\n", name_width, "layer", "MAC", "weight SRAM",
              "act SRAM", "clip", "ECC", "DRAM", "leakage", "total", "share%");
  const EnergyBreakdown network = total_energy(energies);
  const auto row = [&](const std::string& name, const EnergyBreakdown& all) {
    const EnergyBreakdown e = all / (1000.0 * images);  // pJ -> nJ per image
    std::printf("%-*s %12.1f %12.1f %12.1f %10.2f %10.2f %12.1f %10.2f %12.1f %7.1f\n", name_width, name.c_str(), e.mac,
                e.weight_sram, e.act_sram, e.clip, e.ecc, e.dram, e.leakage, e.total(),
                network.total() > 0 ? 100.0 * all.total() / network.total() : 0.0);
  };
  for (std::size_t i = 0; i < energies.size(); ++i) row(program.layer_names[i], energies[i]);
  row("total", network);
  const double total = network.total() > 0 ? network.total() : 1.0;
  std::printf("energy per image %.1f nJ: MAC %.1f %%, SRAM %.1f %%, DRAM %.1f %%, leakage %.1f %%\n",
              network.total() / (1000.0 * images), 100.0 * network.mac / total, 100.0 * network.sram() / total,
              100.0 * network.dram / total, 100.0 * network.leakage / total);
  const AreaBreakdown& a = model.area();
  std::printf("area %.2f mm^2: weight SRAM %.2f, activation SRAM %.2f, thresholds %.2f, PE array %.2f\n", a.total(),
              a.weight_sram, a.act_sram, a.thresholds, a.pe_array);
}

void print_table(const SimulateOptions& o, const AcceleratorConfig& c, const Program& program, const InferenceRun& run,
                 const EvalResult& result, double seconds, const std::vector<EnergyBreakdown>& energies,
                 const EnergyModel& energy_model, const EnergyTable& energy_table) {
  std::printf("%s on a %dx%d %s array, %s weights, %.0f MHz, engine %s\n", o.model.c_str(), c.array_rows, c.array_cols,
              dataflow_name(c.dataflow).c_str(), format_name(c.weight_format).c_str(), c.clock_mhz, o.engine.c_str());
  std::printf("accuracy %.2f %% (%zu/%zu test images), %.1f s wall, %.3f ms simulated, timing %s\n\n",
              100.0 * result.accuracy(), result.correct, result.count, seconds, run.simulated_ns / 1e6,
              c.timing.describe().c_str());
  int name_width = 10;
  for (const std::string& name : program.layer_names) name_width = std::max(name_width, static_cast<int>(name.size()));
  print_cycles_table(c, program, run, name_width);
  std::printf("\nwhere the PE-cycles go (percent of each row's R x C x cycles):\n");
  print_pe_cycles_table(c, program, run, name_width);
  print_energy_table(program, energies, static_cast<double>(result.count), energy_model, energy_table, name_width);
  long cycles = 0;
  for (const LayerReport& r : run.layers) cycles += r.total_cycles;
  std::printf("\ncycles per image %.0f (batches of %d; GEMM shapes include the batch)\n",
              static_cast<double>(cycles) / static_cast<double>(result.count), program.batch);
  std::printf("counters:");
  for (std::size_t k = 0; k < kCounterCount; ++k) {
    std::printf(" %s=%llu", counter_name(static_cast<Counter>(k)).c_str(), static_cast<unsigned long long>(run.counters[k]));
  }
  std::printf("\n");
  if (!o.trace_dir.empty()) {
    std::printf("traces: %s/accelerator.vcd, %s/timeline.json (open in Perfetto)\n", o.trace_dir.c_str(),
                o.trace_dir.c_str());
  }
  if (!o.roofline.empty()) std::printf("roofline: %s\n", o.roofline.c_str());
}

void run_simulate(const SimulateOptions& o) {
  const Engine engine = parse_engine(o.engine);
  const AcceleratorConfig config = o.accelerator.config();
  if (!o.trace_dir.empty() && engine != Engine::systemc) {
    throw std::invalid_argument("--trace needs --engine systemc (the functional engine has no timeline)");
  }
  if (!o.trace_dir.empty()) prepare_output_directory(o.trace_dir);
  const EnergyTable energy_table = o.energy.table();
  const EnergyModel energy_model(energy_table, config, o.energy.volts(energy_table));
  const DataSpec data = o.data.data_spec();
  ModelRun loaded = load_model_run(o.model, o.thresholds, data, o.limit, config);
  const std::optional<ThresholdFile>& thresholds = loaded.thresholds;
  const Dataset& test = loaded.test;
  Deployment& deployment = loaded.deployment;
  const Program program = compile_program(deployment, config, o.batch);

  ProgressLine progress(std::cerr, "simulate " + o.model + " (" + o.engine + ")", test.size(), !o.json);
  const auto report = [&](std::size_t done) { progress.update(done); };
  const auto start = std::chrono::steady_clock::now();
  InferenceRun run;
  if (engine == Engine::functional) {
    run = run_functional(deployment, program, config, test.images, report);
  } else {
    SystemcEngine systemc(config, o.trace_dir);
    run = systemc.run(program, test.images, report, o.poll);
    systemc.finish_trace();
    if (thresholds) {
      verify_loaded_thresholds(read_loaded_thresholds(systemc, program.clip_units.size(), program.threshold_table.size()),
                               *thresholds, program.clip_form);
    }
  }
  progress.finish();
  if (!o.roofline.empty()) {
    plot_roofline(o.roofline, o.model + " on " + std::to_string(config.array_rows) + "x" +
                                  std::to_string(config.array_cols) + " " + dataflow_name(config.dataflow),
                  program.layer_names, run.layers, config);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  EvalResult result;
  for (std::size_t i = 0; i < test.size(); ++i) {
    result.correct += predicted_class(run.logits, static_cast<int>(i)) == test.labels[i];
    ++result.count;
  }
  nlohmann::json clipping = nullptr;
  if (thresholds) {
    clipping = {{"file", o.thresholds}, {"method", thresholds->method}, {"form", clip_form_name(program.clip_form)},
                {"clip_units", program.clip_units.size()}, {"table_words", program.threshold_table.size()},
                {"read_back", engine == Engine::systemc}};
  }
  const std::vector<EnergyBreakdown> energies = layer_energies(program, run.layers, energy_model);
  if (!o.json) {
    print_table(o, config, program, run, result, seconds, energies, energy_model, energy_table);
    if (thresholds) {
      std::printf("thresholds: %s (%s, %s form): %zu clip units, %zu THRESHOLD_TABLE words%s\n",
                  o.thresholds.c_str(), thresholds->method.c_str(), clip_form_name(program.clip_form).c_str(),
                  program.clip_units.size(), program.threshold_table.size(),
                  engine == Engine::systemc ? ", read back and equal to the file" : " (functional engine: no read-back)");
    }
    return;
  }
  nlohmann::json layers = nlohmann::json::array();
  PeCycles network;
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    layers.push_back(layer_json(program, i, run.layers[i], config));
    layers.back()["energy_pj"] = energy_json(energies[i]);
    network += pe_cycles(run.layers[i], config);
  }
  const EnergyBreakdown network_energy = total_energy(energies);
  nlohmann::json counters = nlohmann::json::object();
  for (std::size_t k = 0; k < kCounterCount; ++k) counters[counter_name(static_cast<Counter>(k))] = run.counters[k];
  print_json({{"model", o.model}, {"engine", o.engine}, {"config", config_to_json(config)},
              {"accuracy", result.accuracy()}, {"correct", result.correct}, {"images", result.count},
              {"data", data.to_json()}, {"batch", program.batch}, {"layers", layers},
              {"pe_cycles", pe_cycles_json(network)}, {"counters", counters}, {"roofline", o.roofline.empty() ? nlohmann::json() : nlohmann::json(o.roofline)},
              {"thresholds", clipping}, {"simulated_ns", run.simulated_ns}, {"wall_seconds", seconds},
              {"energy", {{"table", energy_table.name}, {"weight_sram_volts", energy_model.weight_sram_volts()},
                          {"network_pj", energy_json(network_energy)},
                          {"per_image_pj", energy_json(network_energy / static_cast<double>(result.count))}}},
              {"area_mm2", area_json(energy_model.area())}});
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* c = app.add_subcommand("simulate", "Run a model on the accelerator: accuracy and per-layer cycles");
  c->add_option("--model", o->model, "Zoo name, checkpoint path or ONNX file (.onnx)")->capture_default_str();
  c->add_option("--engine", o->engine, "systemc (timed TLM model) or functional (fast, same logits)")
      ->check(CLI::IsMember({"systemc", "functional"}))
      ->capture_default_str();
  o->accelerator.add_to(*c);
  o->energy.add_to(*c);
  c->add_option("--limit", o->limit, "Use only the first N test images (0 = all)")->capture_default_str();
  c->add_option("--batch", o->batch, "Images per accelerator run")->check(CLI::Range(1, 4096))->capture_default_str();
  c->add_option("--trace", o->trace_dir, "Write accelerator.vcd and timeline.json (Chrome trace) into this directory");
  c->add_option("--thresholds", o->thresholds,
                "Threshold file (proact thresholds) to load into the clip registers and table, in its hardware form");
  c->add_option("--roofline", o->roofline, "Draw the layers on the roofline of the configured array into this PNG")
      ->check([](const std::string& path) {
        return path.size() > 4 && path.compare(path.size() - 4, 4, ".png") == 0 ? std::string()
                                                                               : "--roofline takes a .png path, got " + path;
      });
  c->add_flag("--poll", o->poll, "Wait for done by polling STATUS instead of the interrupt");
  o->data.add_to(*c);
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o] { run_simulate(*o); });
}

}  // namespace proact
