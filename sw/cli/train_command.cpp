// proact train: trains a zoo architecture on a data set (--data) and writes a checkpoint.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "models/io/output_file.hpp"
#include "models/net/architectures.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/deployment.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/train/trainer.hpp"

namespace proact {

namespace {

struct TrainOptions {
  std::string architecture = "lenet5";
  std::string out;
  DataOptions data;
  TrainConfig config;
  std::size_t validation = 5000;
  std::size_t limit = 0;       // 0 = the whole training split
  std::size_t test_limit = 0;  // 0 = the whole test split
  std::size_t calibration = 1000;
  std::string init;  // checkpoint to continue from (fine-tuning); empty: fresh seeded weights
  // The optimiser's knobs as given (recorded exactly in the checkpoint); it computes in float.
  double learning_rate = 1e-3;
  double momentum = 0.9;
  double weight_decay = 0.0;
  bool json = false;
};

// The starting network: the --init checkpoint's (which must hold the same architecture) or a
// freshly initialised one.
Network initial_network(const TrainOptions& o) {
  if (o.init.empty()) return build_network(o.architecture, o.config.seed);
  Checkpoint start = load_checkpoint(o.init);
  if (start.network.architecture() != o.architecture) {
    throw std::invalid_argument("--init " + o.init + " holds a " + start.network.architecture() + ", not a " +
                                o.architecture);
  }
  return std::move(start.network);
}

void run_train(TrainOptions o) {
  o.config.optimizer.learning_rate = static_cast<float>(o.learning_rate);
  o.config.optimizer.momentum = static_cast<float>(o.momentum);
  o.config.optimizer.weight_decay = static_cast<float>(o.weight_decay);
  o.config.validate();
  prepare_output_file(o.out);
  const auto start = std::chrono::steady_clock::now();
  const DataSpec data = o.data.data_spec();
  Network network = initial_network(o);
  Dataset all = load_split(data, Split::train);
  check_data_fits(data, all, network, o.architecture);
  Dataset test = load_split(data, Split::test);
  check_data_fits(data, test, network, o.architecture);
  if (o.limit) all = head(all, o.limit);
  if (o.validation >= all.size()) {
    throw std::invalid_argument("--validation " + std::to_string(o.validation) + " leaves no training images out of " +
                                std::to_string(all.size()));
  }
  const TrainValidation split = split_validation(all, o.validation, o.config.seed);
  if (o.test_limit) test = head(test, o.test_limit);

  if (!o.json) {
    std::fprintf(stderr, "training %s (%zu parameters) on %zu images, validating on %zu, seed %llu\n",
                 o.architecture.c_str(), network.trainable_count(), split.train.size(), split.validation.size(),
                 static_cast<unsigned long long>(o.config.seed));
  }
  const std::vector<EpochReport> epochs = train_network(network, split.train, split.validation, o.config, true);
  const double test_accuracy = evaluate(network, test, AccumulationOrder::free_order()).accuracy();
  const Tensor calibration = batch_images(split.train, 0, std::min(o.calibration, split.train.size()));
  const nlohmann::json ranges = calibrate_input_ranges(network, calibration);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nlohmann::json history = nlohmann::json::array();
  for (const EpochReport& e : epochs) {
    history.push_back({{"epoch", e.epoch}, {"loss", e.loss}, {"train_accuracy", e.train_accuracy},
                       {"validation_accuracy", e.validation_accuracy}, {"seconds", e.seconds}});
  }
  const nlohmann::json metadata = {
      {"dataset", data_format_name(data.format)},
      {"data", data.to_json()},
      {"train_images", split.train.size()},
      {"validation_images", split.validation.size()},
      {"test_images", test.size()},
      {"epochs", o.config.epochs},
      {"batch_size", o.config.batch_size},
      {"optimizer", {{"kind", o.config.optimizer.kind}, {"learning_rate", o.learning_rate},
                     {"momentum", o.momentum}, {"weight_decay", o.weight_decay}}},
      {"schedule", o.config.schedule},
      {"augment", o.config.augment},
      {"seed", o.config.seed},
      {"init", o.init.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.init)},
      {"validation_accuracy", epochs.back().validation_accuracy},
      {"test_accuracy", test_accuracy},
      {"train_seconds", seconds},
      {"history", history},
      {"activation_ranges", ranges},
      {"calibration_images", calibration.dim(0)},
      {"proact_version", kVersion}};
  save_checkpoint(o.out, network, metadata);
  if (o.json) {
    print_json({{"model", o.architecture}, {"checkpoint", o.out}, {"validation_accuracy", epochs.back().validation_accuracy},
                {"test_accuracy", test_accuracy}, {"seconds", seconds}});
  } else {
    std::printf("%s: validation %.2f %%, test %.2f %% (free order, fp32), %.0f s -> %s\n", o.architecture.c_str(),
                100.0 * epochs.back().validation_accuracy, 100.0 * test_accuracy, seconds, o.out.c_str());
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* c = app.add_subcommand("train", "Train a zoo architecture on a data set (--data) and save a checkpoint");
  c->add_option("--model", o->architecture, "Architecture: lenet5, vgg-small, resnet-small")
      ->check(CLI::IsMember(architecture_names()))
      ->capture_default_str();
  c->add_option("--out", o->out, "Checkpoint file to write")->required();
  c->add_option("--epochs", o->config.epochs, "Training epochs")->check(CLI::PositiveNumber)->capture_default_str();
  c->add_option("--batch-size", o->config.batch_size, "Mini-batch size")->check(CLI::PositiveNumber)->capture_default_str();
  c->add_option("--optimizer", o->config.optimizer.kind, "sgd (momentum) or adam")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  c->add_option("--lr", o->learning_rate, "Peak learning rate")->capture_default_str();
  c->add_option("--momentum", o->momentum, "SGD momentum")->capture_default_str();
  c->add_option("--weight-decay", o->weight_decay, "Weight decay on weights")->capture_default_str();
  c->add_option("--schedule", o->config.schedule, "Learning-rate schedule: cosine or constant")
      ->check(CLI::IsMember({"cosine", "constant"}))
      ->capture_default_str();
  c->add_flag("--augment", o->config.augment, "Random horizontal flips and shifts of up to 2 pixels");
  c->add_option("--seed", o->config.seed, "Seed for initialisation, split, shuffling, augmentation")->capture_default_str();
  c->add_option("--init", o->init, "Start from this checkpoint's weights (fine-tuning) instead of a fresh initialisation");
  c->add_option("--validation", o->validation, "Training images held out for validation")->capture_default_str();
  c->add_option("--limit", o->limit, "Use only the first N training images (0 = all)")->capture_default_str();
  c->add_option("--test-limit", o->test_limit, "Use only the first N test images (0 = all)")->capture_default_str();
  o->data.add_to(*c);
  c->add_flag("--json", o->json, "Print one JSON object on stdout");
  c->callback([o] { run_train(*o); });
}

}  // namespace proact
