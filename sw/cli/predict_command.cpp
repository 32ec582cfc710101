// proact predict: the logits of a batch of images from a .npy file, written as a .npy file
// (N, classes) float32, computed by the functional engine (in an accumulation order) or by the
// SystemC accelerator. For the same storage format and the order of the config's array, both
// engines give bit-identical logits.
#include <omp.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "models/io/output_file.hpp"
#include "models/net/deployment.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/data/npy.hpp"
#include "sw/data/npy_writer.hpp"
#include "sw/engine/inference.hpp"
#include "sw/model/load_model.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

struct PredictOptions {
  std::string model;
  std::string input, out;
  std::string engine = "functional";
  AcceleratorOptions accelerator;
  OrderOptions order;
  bool order_given = false;  // --dataflow or --rows on the command line
  NormalizationOptions normalization;
  int batch = 64;
  int threads = 1;
  bool json = false;
};

// The functional engine's order: --dataflow/--rows if given, else the config's array.
OrderOptions functional_order(const PredictOptions& o, const AcceleratorConfig& config) {
  if (o.order_given) return o.order;
  OrderOptions order;
  order.dataflow = dataflow_name(config.dataflow);
  order.rows = config.array_rows;
  return order;
}

void run_predict(const PredictOptions& o) {
  const Engine engine = parse_engine(o.engine);
  if (engine == Engine::systemc && o.order_given) {
    throw std::invalid_argument(
        "--dataflow/--rows choose the functional engine's order; the systemc engine computes in the order of its "
        "array (--preset/--config)");
  }
  const AcceleratorConfig config = o.accelerator.config();
  const Normalization normalization = o.normalization.normalization();
  prepare_output_file(o.out);
  if (o.threads > 0) omp_set_num_threads(o.threads);
  Tensor images = load_npy_images(o.input);
  if (images.dim(0) == 0) {
    throw std::invalid_argument(o.input + ": holds no images (shape " + shape_string(images.shape()) + ")");
  }
  // The loaded network becomes the deployment's (moved, not copied): the weights are held twice,
  // as the deployment's stored words and as the values it computes with.
  std::optional<Deployment> deployment = [&] {
    Checkpoint checkpoint = load_model(o.model);
    check_images_fit(images, o.input, checkpoint.network, o.model);
    normalize(images, normalization, o.input);
    // A model without activation ranges (imported) quantises to int8 with those of these images.
    if (config.weight_format == Format::int8) add_missing_activation_ranges(checkpoint, images);
    return Deployment(std::move(checkpoint.network), config.weight_format,
                      checkpoint.metadata.value("activation_ranges", nlohmann::json::object()));
  }();

  const std::size_t count = static_cast<std::size_t>(images.dim(0));
  ProgressLine progress(std::cerr, "predict " + o.model + " (" + o.engine + ")", count, !o.json);
  const auto report = [&](std::size_t done) { progress.update(done); };
  const OrderOptions order = functional_order(o, config);  // the systemc engine's too (it refuses --dataflow)
  Tensor logits;
  if (engine == Engine::functional) {
    // The decoded network is all the functional engine reads: the stored words go before the
    // images run, so the weights are held once.
    Network network = std::move(deployment->network());
    deployment.reset();
    logits = batched_logits(network, images, order.order(), static_cast<std::size_t>(o.batch), report);
  } else {
    // The program holds the stored words; the decoded network is not needed by the device.
    const Program program = compile_program(std::move(*deployment), config, o.batch);
    deployment.reset();
    SystemcEngine systemc(config);
    logits = systemc.run(program, images, report).logits;
  }
  progress.finish();
  write_npy(o.out, logits);

  if (o.json) {
    print_json({{"model", o.model}, {"input", o.input}, {"out", o.out}, {"engine", o.engine},
                {"format", format_name(config.weight_format)}, {"order", order.describe()}, {"batch", o.batch},
                {"normalization", normalization.to_json()}, {"images", count}, {"shape", logits.shape()},
                {"seconds", progress.elapsed_seconds()}});
    return;
  }
  std::printf("%s: %zu images -> %s %s float32 logits (engine %s, %s weights, order %s, %.1f s)\n", o.model.c_str(),
              count, o.out.c_str(), shape_string(logits.shape()).c_str(), o.engine.c_str(),
              format_name(config.weight_format).c_str(), order.describe().c_str(), progress.elapsed_seconds());
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* c = app.add_subcommand("predict", "Logits of the images in a .npy file, written as a .npy file");
  c->add_option("--model", o->model, "Zoo name, checkpoint path or ONNX file (.onnx)")->required();
  c->add_option("--input", o->input, "Images (N, C, H, W) as .npy: float32 as they are, uint8 divided by 255")
      ->required();
  c->add_option("--out", o->out, "Logits (N, classes) float32 .npy file to write")->required();
  c->add_option("--engine", o->engine, "functional (fast) or systemc (the accelerator model; same logits)")
      ->check(CLI::IsMember({"functional", "systemc"}))
      ->capture_default_str();
  o->accelerator.add_to(*c);
  o->order.add_to(*c);
  c->get_option("--dataflow")
      ->description("Functional engine's accumulation order (ws, os, is, free); default: the config's dataflow")
      ->default_str("");
  c->get_option("--rows")->description("Functional engine's array rows; default: the config's")->default_str("");
  o->normalization.add_to(*c);
  c->add_option("--batch", o->batch, "Images per forward pass (functional) or accelerator run (systemc)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--threads", o->threads,
                "OpenMP threads for the layer kernels (0 = OpenMP's default); one is fastest on a busy machine")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o, c] {
    o->order_given = c->count("--dataflow") + c->count("--rows") > 0;
    run_predict(*o);
  });
}

}  // namespace proact
