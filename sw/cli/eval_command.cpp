// proact eval: test accuracy of a checkpoint deployed in a storage format and accumulation order.
#include <cstdio>
#include <iostream>

#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/model/load_model.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

struct EvalOptions {
  std::string model = "lenet5";
  std::string format = "fp32";
  OrderOptions order;
  DataOptions data;
  std::size_t limit = 0;
  bool json = false;
};

void run_eval(const EvalOptions& o) {
  const Format format = parse_format(o.format);
  const std::string path = resolve_model_path(o.model);
  Checkpoint checkpoint = load_model(path);
  const DataSpec data = o.data.data_spec();
  Dataset test = load_split(data, Split::test);
  check_data_fits(data, test, checkpoint.network, o.model);
  if (format == Format::int8) add_missing_activation_ranges(checkpoint, data);
  if (o.limit) test = head(test, o.limit);
  ProgressLine progress(std::cerr, "eval " + o.model, test.size(), !o.json);
  const EvalResult result =
      evaluate_checkpoint(checkpoint, format, test, o.order.order(), [&](std::size_t done) { progress.update(done); });
  progress.finish();
  const double seconds = progress.elapsed_seconds();
  if (o.json) {
    print_json({{"model", o.model}, {"checkpoint", path}, {"architecture", checkpoint.network.architecture()},
                {"format", format_name(format)}, {"order", o.order.describe()}, {"accuracy", result.accuracy()},
                {"correct", result.correct}, {"images", result.count}, {"data", data.to_json()},
                {"seconds", seconds}});
  } else {
    std::printf("%s  format %s  order %s  accuracy %.2f %% (%zu/%zu test images)  %.1f s\n", o.model.c_str(),
                format_name(format).c_str(), o.order.describe().c_str(), 100.0 * result.accuracy(), result.correct,
                result.count, seconds);
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* c = app.add_subcommand("eval", "Test accuracy of a model stored in a number format");
  c->add_option("--model", o->model, "Zoo name (lenet5, vgg-small, resnet-small), checkpoint path or ONNX file (.onnx)")->capture_default_str();
  c->add_option("--format", o->format, "Weight storage format: fp32, fp16, bf16, int8, q15.16")->capture_default_str();
  o->order.add_to(*c);
  c->add_option("--limit", o->limit, "Use only the first N test images (0 = all)")->capture_default_str();
  o->data.add_to(*c);
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o] { run_eval(*o); });
}

}  // namespace proact
