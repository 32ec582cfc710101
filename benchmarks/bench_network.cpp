// Whole-network throughput of each zoo model in images per second: inference through evaluate()
// in each measured order, and training (forward, loss, backward, Adam step) through train_network().
#include <benchmark/benchmark.h>

#include "benchmarks/bench_cases.hpp"
#include "models/net/architectures.hpp"
#include "models/random.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/train/trainer.hpp"

namespace proact::bench {

namespace {

constexpr int kImagesPerIteration = 4 * kBatch;  // four batches per benchmark iteration

// kImagesPerIteration random 1x28x28 images in [0, 1) with random labels.
Dataset random_dataset(std::uint64_t seed) {
  Rng rng(seed);
  Tensor images({kImagesPerIteration, 1, 28, 28});
  for (float& v : images.values()) v = rng.uniform();
  std::vector<int> labels(kImagesPerIteration);
  for (int& label : labels) label = static_cast<int>(rng.uniform_int(10));
  return make_dataset("random", std::move(images), std::move(labels), 10);
}

std::string inference_mode(const NamedOrder& order) { return "inference-" + order.label; }

void report_images(benchmark::State& state) {
  state.counters[kImagesCounter] = benchmark::Counter(kImagesPerIteration, benchmark::Counter::kIsIterationInvariantRate);
}

void inference(benchmark::State& state, const std::string& architecture, AccumulationOrder order) {
  Network network = build_network(architecture, 1);
  const Dataset data = random_dataset(4);
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(network, data, order, kBatch).correct);
  report_images(state);
}

// One epoch over the data set per iteration, batch kBatch, constant learning rate.
void training(benchmark::State& state, const std::string& architecture) {
  Network network = build_network(architecture, 1);
  const Dataset data = random_dataset(5);
  TrainConfig config;
  config.epochs = 1;
  config.batch_size = kBatch;
  config.schedule = "constant";
  for (auto _ : state) benchmark::DoNotOptimize(train_network(network, data, Dataset{}, config, false).back().loss);
  report_images(state);
}

}  // namespace

std::vector<std::string> network_modes() {
  std::vector<std::string> modes;
  for (const NamedOrder& order : measured_orders()) modes.push_back(inference_mode(order));
  modes.push_back("training");
  return modes;
}

std::string network_name(const std::string& architecture, const std::string& mode) {
  return "network/" + architecture + "/" + mode;
}

void register_network_benchmarks() {
  for (const std::string& architecture : architecture_names()) {
    for (const NamedOrder& order : measured_orders()) {
      benchmark::RegisterBenchmark(network_name(architecture, inference_mode(order)).c_str(), inference,
                                   architecture, order.order)
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark(network_name(architecture, "training").c_str(), training, architecture)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace proact::bench
