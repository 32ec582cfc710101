// proact thresholds: ProAct clipping thresholds and their baselines (Ranger, FT-ClipAct, FitAct)
// for a trained model, written as a threshold file; --report tabulates threshold files and
// --memory-overhead the threshold words per granularity of standard topologies and the zoo.
#include <omp.h>

#include <cstdio>
#include <iostream>

#include "models/io/output_file.hpp"
#include "models/net/architectures.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/model/load_model.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/thresholds/compute.hpp"
#include "sw/thresholds/memory_overhead.hpp"
#include "sw/thresholds/threshold_data.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

struct ThresholdsOptions {
  std::string model = "lenet5";
  std::string method;
  std::string out;
  ThresholdConfig config;
  DataOptions source;
  ThresholdDataOptions data;
  std::string clip_form;  // empty: the method's default
  int threads = 1;
  std::vector<std::string> report;
  bool memory_overhead = false;
  bool json = false;
};

// Per layer: its thresholds' count and how far they moved from the profiled maxima.
void print_movement(const ThresholdFile& file) {
  std::printf("%-16s %-8s %9s %12s %12s\n", "layer", "granul.", "words", "moved mean", "moved max");
  for (const LayerThresholds& layer : file.layers) {
    if (!layer.moved) continue;
    std::printf("%-16s %-8s %9zu %11.1f%% %11.1f%%\n", layer.name.c_str(), layer.values.size() == 1 ? "layer" : "neuron",
                layer.values.size(), 100.0 * layer.moved->mean, 100.0 * layer.moved->max);
  }
}

void run_compute(ThresholdsOptions o) {
  if (o.method.empty() || o.out.empty()) {
    throw std::invalid_argument("--method and --out are required (or use --report FILE... / --memory-overhead)");
  }
  o.config.method = parse_threshold_method(o.method);
  if (!o.clip_form.empty()) {
    if (!is_ranger(o.config.method)) {
      throw std::invalid_argument("--clip-form is a choice for ranger and ranger-nw only; " + o.method + " clips to zero");
    }
    o.config.ranger_form = o.clip_form == "zero" ? ClipForm::hard : ClipForm::saturate;
  }
  o.config.show_progress = true;
  o.data.seed = o.config.seed;
  o.data.spec = o.source.data_spec();
  o.config.validate();
  prepare_output_file(o.out);
  if (o.threads > 0) omp_set_num_threads(o.threads);
  const std::string path = resolve_model_path(o.model);
  const Checkpoint checkpoint = load_model(path);
  const ThresholdData data = load_threshold_data(checkpoint, o.model, o.data);
  std::fprintf(stderr, "%s thresholds for %s: %zu clipped layers, %zu training, %zu validation, %zu calibration images, seed %llu\n",
               o.method.c_str(), o.model.c_str(), clip_sites(checkpoint.network).size(), data.train.size(),
               data.validation.size(), data.calibration.size(), static_cast<unsigned long long>(o.config.seed));
  const ThresholdFile file = compute_thresholds(checkpoint.network, o.model, data, o.config);
  save_threshold_file(o.out, file);
  const CleanAccuracy& a = file.clean_accuracy;
  if (o.json) {
    const nlohmann::json written = threshold_file_to_json(file);
    print_json({{"model", o.model}, {"checkpoint", path}, {"method", file.method}, {"out", o.out},
                {"threshold_words", file.threshold_words()}, {"clean_accuracy", written["clean_accuracy"]},
                {"hardware_form", file.hardware_form}, {"training_seconds", file.training_seconds},
                {"layers", written["layers"]}});
    return;
  }
  std::printf("%s %s: %zu threshold words; validation accuracy unclipped %.2f %%, smooth %.2f %%, hard %.2f %%", o.model.c_str(),
              file.method.c_str(), file.threshold_words(), 100.0 * a.unclipped, 100.0 * a.smooth, 100.0 * a.hard);
  if (a.saturate) std::printf(", saturate %.2f %%", 100.0 * *a.saturate);
  if (a.initial) std::printf(", initial thresholds (A0) %.2f %%", 100.0 * *a.initial);
  std::printf(" (hardware form %s); %s -> %s\n", file.hardware_form.c_str(), format_duration(file.training_seconds).c_str(),
              o.out.c_str());
  print_movement(file);
}

void run_report(const ThresholdsOptions& o) {
  nlohmann::json rows = nlohmann::json::array();
  for (const std::string& path : o.report) {
    const ThresholdFile f = load_threshold_file(path);
    const CleanAccuracy& a = f.clean_accuracy;
    nlohmann::json row = {{"file", path}, {"model", f.model_name}, {"method", f.method},
                          {"granularity", f.hyperparameters.value("granularity", "")},
                          {"threshold_words", f.threshold_words()}, {"hardware_form", f.hardware_form},
                          {"unclipped", a.unclipped}, {"smooth", a.smooth}, {"hard", a.hard},
                          {"validation_images", f.data.value("validation", nlohmann::json::object()).value("images", 0)},
                          {"training_seconds", f.training_seconds}};
    if (a.saturate) row["saturate"] = *a.saturate;
    rows.push_back(row);
  }
  if (o.json) {
    print_json({{"files", rows}});
    return;
  }
  std::printf("Clean validation accuracy (%%) with each method's thresholds\n\n");
  std::printf("%-14s %-10s %-8s %9s %10s %8s %8s %9s %-9s %10s\n", "model", "method", "granul.", "words", "unclipped",
              "smooth", "hard", "saturate", "hw form", "time");
  for (const nlohmann::json& r : rows) {
    char saturate[16] = "-";
    if (r.contains("saturate")) std::snprintf(saturate, sizeof saturate, "%.2f", 100.0 * r["saturate"].get<double>());
    std::printf("%-14s %-10s %-8s %9zu %10.2f %8.2f %8.2f %9s %-9s %10s\n", r["model"].get<std::string>().c_str(),
                r["method"].get<std::string>().c_str(), r["granularity"].get<std::string>().c_str(),
                r["threshold_words"].get<std::size_t>(), 100.0 * r["unclipped"].get<double>(),
                100.0 * r["smooth"].get<double>(), 100.0 * r["hard"].get<double>(), saturate,
                r["hardware_form"].get<std::string>().c_str(),
                format_duration(r["training_seconds"].get<double>()).c_str());
  }
}

void run_memory_overhead(const ThresholdsOptions& o) {
  nlohmann::json rows = nlohmann::json::array();
  const auto add = [&rows](const std::string& name, const std::string& input, const std::vector<Shape>& shapes) {
    const ThresholdWords w = count_threshold_words(shapes);
    rows.push_back({{"topology", name}, {"input", input}, {"clipped_layers", shapes.size()},
                    {"layer_wise", w.layer_wise}, {"hybrid", w.hybrid}, {"neuron_wise", w.neuron_wise},
                    {"neuron_over_hybrid", w.neuron_over_hybrid()}});
  };
  for (const std::string& name : standard_topology_names()) add(name, "3x32x32", standard_topology_clip_shapes(name));
  for (const std::string& name : architecture_names()) add(name, "1x28x28", clip_output_shapes(build_network(name, 0)));
  if (o.json) {
    print_json({{"topologies", rows}});
    return;
  }
  std::printf("Threshold words per granularity (one word per threshold)\n\n");
  std::printf("%-14s %-8s %7s %11s %9s %12s %14s\n", "topology", "input", "clipped", "layer-wise", "hybrid",
              "neuron-wise", "neuron/hybrid");
  for (const nlohmann::json& r : rows) {
    std::printf("%-14s %-8s %7zu %11zu %9zu %12zu %13.1fx\n", r["topology"].get<std::string>().c_str(),
                r["input"].get<std::string>().c_str(), r["clipped_layers"].get<std::size_t>(),
                r["layer_wise"].get<std::size_t>(), r["hybrid"].get<std::size_t>(), r["neuron_wise"].get<std::size_t>(),
                r["neuron_over_hybrid"].get<double>());
  }
}

}  // namespace

void add_thresholds_command(CLI::App& app) {
  auto o = std::make_shared<ThresholdsOptions>();
  ThresholdConfig& c = o->config;
  CLI::App* cmd = app.add_subcommand("thresholds", "Train clipping thresholds (ProAct and baselines) into a threshold file");
  cmd->add_option("--model", o->model, "Zoo name, checkpoint path or ONNX file (.onnx)")->capture_default_str();
  cmd->add_option("--method", o->method, "ranger, ranger-nw, ftclipact, fitact or proact")
      ->check(CLI::IsMember(threshold_method_names()));
  cmd->add_option("--out", o->out, "Threshold file (JSON) to write");
  cmd->add_option("--seed", c.seed, "Seed for the data subsets, batch order and fault maps")->capture_default_str();
  cmd->add_option("--calib", o->data.calibration_images, "Calibration images for profiling (training split)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--train-images", o->data.train_images, "Threshold-training images from the training split (0 = all)")
      ->capture_default_str();
  cmd->add_option("--validation-limit", o->data.validation_limit, "Use only the first N held-out validation images (0 = all)")
      ->capture_default_str();
  cmd->add_option("--batch-size", c.batch_size, "Mini-batch size")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--epochs", c.proact.epochs, "ProAct: most training epochs per weight decay")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--k", c.sharpness, "Sharpness k of the smooth clip form")->capture_default_str();
  cmd->add_option("--clip-form", o->clip_form,
                  "Ranger and Ranger NW: zero (x if 0 < x <= T else 0, as the ProAct paper runs them) or saturate "
                  "(min(max(x, 0), T), the Ranger paper's); the other methods clip to zero")
      ->check(CLI::IsMember({"zero", "saturate"}));
  cmd->add_option("--tolerance", c.proact.tolerance,
                  "ProAct: accuracy points an epoch may move validation accuracy from A0 (the initial thresholds'), "
                  "either way")
      ->capture_default_str();
  cmd->add_option("--lr-layer", c.proact.lr_layer, "ProAct: Adam learning rate of layer-wise thresholds")->capture_default_str();
  cmd->add_option("--lr-neuron", c.proact.lr_neuron, "ProAct: Adam learning rate of the neuron-wise layer")->capture_default_str();
  cmd->add_option("--schedule", c.proact.weight_decays, "ProAct: per-layer weight decays to try, strongest first")
      ->delimiter(',')->capture_default_str();
  cmd->add_option_function<std::string>(
         "--lr-schedule", [&c](const std::string& name) { c.proact.cosine = name == "cosine"; },
         "ProAct: learning rate over each decay's epochs, cosine (annealed to 0) or constant [cosine]")
      ->check(CLI::IsMember({"cosine", "constant"}));
  cmd->add_option_function<std::string>(
         "--neuron-wise-layer",
         [&c](const std::string& where) {
           c.proact.granularity = where == "last"    ? Granularity::hybrid
                                  : where == "first" ? Granularity::hybrid_first
                                  : where == "all"   ? Granularity::neuron
                                                     : Granularity::layer;
         },
         "ProAct ablation: the neuron-wise layer is the last clipped one (ProAct) [last], the first, every one "
         "(FitAct's granularity, trained progressively) or none (all layer-wise)")
      ->check(CLI::IsMember({"last", "first", "all", "none"}));
  cmd->add_flag_function(
      "--no-distillation", [&c](std::int64_t) { c.proact.distillation = false; },
      "ProAct ablation: cross-entropy and L2 only, no distillation against the unclipped model");
  cmd->add_flag_function(
      "--joint", [&c](std::int64_t) { c.proact.progressive = false; },
      "ProAct ablation: every layer's thresholds trained at once (each decay allowed epochs x layers epochs) "
      "instead of one layer at a time");
  cmd->add_option("--fitact-epochs", c.fitact.epochs, "FitAct: training epochs")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--fitact-lr", c.fitact.learning_rate, "FitAct: Adam learning rate")->capture_default_str();
  cmd->add_option("--fitact-decay", c.fitact.weight_decay, "FitAct: weight decay (L2) on the thresholds")->capture_default_str();
  cmd->add_option_function<std::string>(
         "--fitact-lr-schedule", [&c](const std::string& name) { c.fitact.cosine = name == "cosine"; },
         "FitAct: learning rate over the run, cosine (annealed to 0, the reference's) or constant [cosine]")
      ->check(CLI::IsMember({"cosine", "constant"}));
  cmd->add_option("--search-rounds", c.ftclipact.rounds, "FT-ClipAct: most interval-search rounds per layer")
      ->capture_default_str();
  cmd->add_option("--search-min-rounds", c.ftclipact.min_rounds, "FT-ClipAct: rounds before the search may stop")
      ->capture_default_str();
  cmd->add_option("--auc-tolerance", c.ftclipact.auc_tolerance,
                  "FT-ClipAct: the search stops when neighbouring candidates' AUCs differ by at most this (points)")
      ->capture_default_str();
  cmd->add_option("--bers", c.ftclipact.bit_error_rates, "FT-ClipAct: bit error rates scoring the candidates")
      ->delimiter(',')->capture_default_str();
  cmd->add_option("--fault-maps", c.ftclipact.fault_maps, "FT-ClipAct: fault maps per bit error rate")->capture_default_str();
  cmd->add_option("--search-images", c.ftclipact.search_images, "FT-ClipAct: validation images scoring each candidate")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "OpenMP threads for the layer kernels (0 = OpenMP's default); threshold training runs small "
                  "batches, which one thread computes fastest on a shared machine")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  o->source.add_to(*cmd);
  cmd->add_option("--report", o->report, "Tabulate these threshold files instead of computing one");
  cmd->add_flag("--memory-overhead", o->memory_overhead,
                "Tabulate threshold words per granularity for AlexNet, VGG-16, ResNet-50 (CIFAR-10 size) and the zoo");
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout");
  cmd->callback([o] {
    if (o->memory_overhead) return run_memory_overhead(*o);
    if (!o->report.empty()) return run_report(*o);
    run_compute(*o);
  });
}

}  // namespace proact
