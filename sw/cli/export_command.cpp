// proact export: a zoo model, checkpoint or ONNX file written as an ONNX model (opset 13) that
// `--model FILE.onnx` and other ONNX tools read.
#include <cstdio>
#include <memory>
#include <string>

#include "models/onnx/export.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/model/load_model.hpp"

namespace proact {

namespace {

struct ExportOptions {
  std::string model;
  std::string out;
  bool json = false;
};

void run_export(const ExportOptions& o) {
  const Checkpoint checkpoint = load_model(o.model);
  export_onnx(checkpoint.network, checkpoint.metadata, o.out);
  if (o.json) {
    print_json({{"model", o.model}, {"out", o.out}, {"architecture", checkpoint.network.architecture()},
                {"layers", checkpoint.network.size()}, {"opset", kExportOpset}});
    return;
  }
  std::printf("%s -> %s: %zu layers, ONNX opset %d\n", o.model.c_str(), o.out.c_str(), checkpoint.network.size(),
              kExportOpset);
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* c = app.add_subcommand("export", "Write a model as an ONNX file");
  c->add_option("--model", o->model, "Zoo name, checkpoint path or ONNX file (.onnx)")->required();
  c->add_option("--out", o->out, "ONNX file to write")->required();
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o] { run_export(*o); });
}

}  // namespace proact
