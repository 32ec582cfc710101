// proact trace: golden register traces (sw/driver/bus_trace.hpp). `record` runs a model on the
// SystemC engine and keeps every bus access of the driver, with the words read back; `replay`
// drives a fresh accelerator of the trace's config with the driver alone (no compiler, no
// network) and fails at the first read that differs from the trace.
#include <iostream>
#include <memory>
#include <string>

#include "models/io/output_file.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/cli/model_run.hpp"
#include "sw/driver/driver.hpp"
#include "sw/engine/inference.hpp"

namespace proact {

namespace {

struct RecordOptions {
  std::string model = "lenet5";
  std::string thresholds;  // threshold file, empty: plain ReLU
  AcceleratorOptions accelerator;
  DataOptions data;
  std::size_t images = 2;
  std::string out;
};

void run_record(const RecordOptions& o) {
  const AcceleratorConfig config = o.accelerator.config();
  if (o.images == 0) throw std::invalid_argument("--images must be at least 1");
  prepare_output_file(o.out);
  const DataSpec data = o.data.data_spec();
  ModelRun loaded = load_model_run(o.model, o.thresholds, data, o.images, config);
  const Dataset& test = loaded.test;
  const Program program = compile_program(loaded.deployment, config, static_cast<int>(test.size()));

  BusTrace trace;
  trace.config = config;
  trace.source = {{"model", o.model}, {"thresholds", o.thresholds.empty() ? "none" : o.thresholds},
                  {"data", data.to_json()}, {"images", test.size()}};
  SystemcEngine engine(config);
  engine.driver().record_to(&trace);
  engine.run(program, test.images);
  engine.driver().record_to(nullptr);
  save_bus_trace(trace, o.out);
  std::cout << o.out << ": " << trace.accesses.size() << " bus accesses of " << o.model << " on " << test.size()
            << " images\n";
}

void run_replay(const std::string& path) {
  const BusTrace trace = load_bus_trace(path);
  SystemcEngine engine(trace.config, "", "trace_player");
  try {
    const std::size_t accesses = replay_bus_trace(trace, engine.driver());
    std::cout << path << ": " << accesses << " bus accesses replayed, every read as recorded\n";
  } catch (const TraceMismatch& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace

void add_trace_command(CLI::App& app) {
  CLI::App* trace = app.add_subcommand("trace", "Golden register traces: record a run's bus accesses, replay them");
  trace->require_subcommand(1);

  auto r = std::make_shared<RecordOptions>();
  CLI::App* record = trace->add_subcommand("record", "Run a model on the SystemC engine and record the driver's bus accesses");
  record->add_option("--model", r->model, "Zoo model name, checkpoint or ONNX file")->capture_default_str();
  record->add_option("--thresholds", r->thresholds, "Threshold file loaded into the clip registers and table");
  r->accelerator.add_to(*record);
  r->data.add_to(*record);
  record->add_option("--images", r->images, "First N test images, run as one batch")->capture_default_str();
  record->add_option("--out", r->out, "Trace file to write (gzip JSON lines, e.g. traces/lenet5.trace.gz)")->required();
  record->callback([r] { run_record(*r); });

  auto path = std::make_shared<std::string>();
  CLI::App* replay = trace->add_subcommand("replay", "Replay a trace on a fresh accelerator and check every read");
  replay->add_option("TRACE", *path, "Trace file")->required();
  replay->callback([path] { run_replay(*path); });
}

}  // namespace proact
