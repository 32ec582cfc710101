// proact zoo: the model zoo's test accuracy per storage format, as a table or JSON.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "models/net/architectures.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/model/load_model.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

struct ZooOptions {
  std::vector<std::string> models = architecture_names();
  std::vector<std::string> formats = {"fp32", "fp16", "bf16", "int8", "q15.16"};
  OrderOptions order;
  DataOptions data;
  std::size_t limit = 0;
  bool json = false;
};

void run_zoo(const ZooOptions& o) {
  std::vector<Format> formats;
  for (const std::string& f : o.formats) formats.push_back(parse_format(f));
  const DataSpec data = o.data.data_spec();
  Dataset test = load_split(data, Split::test);
  std::vector<Checkpoint> checkpoints;
  for (const std::string& model : o.models) {
    checkpoints.push_back(load_model(model));
    check_data_fits(data, test, checkpoints.back().network, model);
    if (std::count(formats.begin(), formats.end(), Format::int8)) add_missing_activation_ranges(checkpoints.back(), data);
  }
  if (o.limit) test = head(test, o.limit);

  nlohmann::json rows = nlohmann::json::array();
  ProgressLine progress(std::cerr, "zoo", o.models.size() * formats.size() * test.size(), !o.json);
  std::size_t done = 0;
  for (std::size_t m = 0; m < o.models.size(); ++m) {
    const std::string& model = o.models[m];
    const Checkpoint& checkpoint = checkpoints[m];
    nlohmann::json row = {{"model", model}, {"parameters", checkpoint.network.trainable_count()},
                          {"epochs", checkpoint.metadata.value("epochs", 0)}, {"accuracy", nlohmann::json::object()}};
    for (Format f : formats) {
      const EvalResult r = evaluate_checkpoint(checkpoint, f, test, o.order.order(),
                                               [&](std::size_t n) { progress.update(done + n); });
      done += test.size();
      row["accuracy"][format_name(f)] = r.accuracy();
    }
    rows.push_back(row);
  }
  progress.finish();
  if (o.json) {
    print_json({{"order", o.order.describe()}, {"images", test.size()}, {"data", data.to_json()}, {"models", rows}});
    return;
  }
  std::printf("\nTest accuracy (%%) on %zu test images of %s (normalisation %s), accumulation order %s\n\n",
              test.size(), data.text().c_str(), data.normalization.describe().c_str(), o.order.describe().c_str());
  int name_width = 14;  // wider for longer names (an ONNX file's path)
  for (const std::string& model : o.models) name_width = std::max(name_width, static_cast<int>(model.size()));
  std::printf("%-*s %10s", name_width, "model", "parameters");
  for (Format f : formats) std::printf(" %8s", format_name(f).c_str());
  std::printf("\n%s\n", std::string(name_width + 11 + 9 * formats.size(), '-').c_str());
  for (const auto& row : rows) {
    std::printf("%-*s %10zu", name_width, row["model"].get<std::string>().c_str(), row["parameters"].get<std::size_t>());
    for (Format f : formats) std::printf(" %8.2f", 100.0 * row["accuracy"][format_name(f)].get<double>());
    std::printf("\n");
  }
}

}  // namespace

void add_zoo_command(CLI::App& app) {
  auto o = std::make_shared<ZooOptions>();
  CLI::App* c = app.add_subcommand("zoo", "Table of the model zoo's test accuracy per storage format");
  c->add_option("--models", o->models, "Zoo names, checkpoint paths or ONNX files (.onnx)")->delimiter(',')->capture_default_str();
  c->add_option("--formats", o->formats, "Storage formats")->delimiter(',')->capture_default_str();
  o->order.add_to(*c);
  c->add_option("--limit", o->limit, "Use only the first N test images (0 = all)")->capture_default_str();
  o->data.add_to(*c);
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o] { run_zoo(*o); });
}

}  // namespace proact
