// The two inference engines on each trained zoo model: images per second of run_functional and of
// SystemcEngine::run (sw/engine/inference.hpp) on the same fp32 deployment, program (default
// preset, batch kBatch) and Fashion-MNIST test images. Goal: SystemC at most 1.5x slower.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>

#include "benchmarks/bench_cases.hpp"
#include "models/net/architectures.hpp"
#include "models/net/checkpoint.hpp"
#include "sw/data/dataset.hpp"
#include "sw/engine/inference.hpp"
#include "sw/train/evaluate.hpp"

namespace proact::bench {

namespace {

constexpr int kEngineImages = 4 * kBatch;  // test images per benchmark iteration

// A zoo model compiled for the default accelerator, with the test images, built on first use.
struct EngineCase {
  explicit EngineCase(const std::string& path)
      : checkpoint(load_checkpoint(path)),
        config(preset("default")),
        deployment(checkpoint.network, Format::fp32,
                   checkpoint.metadata.value("activation_ranges", nlohmann::json::object())),
        program(compile_program(deployment, config, kBatch)),
        images(batch_images(load_fashion_mnist(default_data_dir(), Split::test), 0, kEngineImages)) {}

  Checkpoint checkpoint;
  AcceleratorConfig config;
  Deployment deployment;
  Program program;
  Tensor images;
};

EngineCase& engine_case(const std::string& path) {
  static std::map<std::string, std::unique_ptr<EngineCase>> cases;
  std::unique_ptr<EngineCase>& entry = cases[path];
  if (!entry) entry = std::make_unique<EngineCase>(path);
  return *entry;
}

// SystemC elaborates once per process: one accelerator serves every model's program.
SystemcEngine& systemc_engine() {
  static SystemcEngine engine(preset("default"), "", "bench_accelerator");
  return engine;
}

void run_engine(benchmark::State& state, const std::string& path, Engine engine) {
  EngineCase& c = engine_case(path);
  for (auto _ : state) {
    const InferenceRun run = engine == Engine::functional ? run_functional(c.deployment, c.program, c.config, c.images)
                                                          : systemc_engine().run(c.program, c.images);
    benchmark::DoNotOptimize(run.logits.data());
  }
  state.counters[kImagesCounter] = benchmark::Counter(kEngineImages, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

std::string engine_benchmark_name(const std::string& architecture, Engine engine) {
  return "engine/" + architecture + "/" + engine_name(engine);
}

void register_engine_benchmarks() {
  for (const std::string& architecture : architecture_names()) {
    std::string path;
    try {
      path = resolve_model_path(architecture);
    } catch (const std::runtime_error& e) {
      std::printf("engine benchmarks: skipping %s (no trained checkpoint: %s)\n", architecture.c_str(), e.what());
      continue;
    }
    for (const Engine engine : {Engine::functional, Engine::systemc}) {
      benchmark::RegisterBenchmark(engine_benchmark_name(architecture, engine).c_str(), run_engine, path, engine)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace proact::bench
