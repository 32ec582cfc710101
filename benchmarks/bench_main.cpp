// proact_bench (`make bench`). How to read the output: every number comes from this one run, on
// one thread (OpenMP and Eigen are pinned to 1 thread so the ratios are like-for-like). Google
// Benchmark first prints one line per benchmark: square_gemm/eigen is a 1024^3 Eigen sgemm, the
// machine's reference rate, and square_gemm/ws32 the same product in the hardware's accumulation
// order; layer/<model>/<layer>/<order> is one forward call of a zoo conv or dense layer on a batch
// of 64 (conv2d_forward / dense_forward), in the hardware-exact order (ws32: weight stationary,
// 32 array rows, bit-identical to the SystemC model) or in free order (what training uses);
// network/<model>/<mode> is whole-model inference (evaluate) or training (train_network:
// forward, loss, backward, Adam step) in images/s; engine/<model>/<engine> runs Fashion-MNIST
// test images through a trained zoo checkpoint with the functional or the SystemC engine (models
// without a checkpoint are skipped with a note). The summary printed last divides each layer's
// FLOP/s by the square sgemm's: 1.0 means the layer runs as fast as a large GEMM on this machine,
// and the goal is >= 0.5; a model's "all" row weights its layers by FLOPs (total FLOPs / total
// time). It then lists images/s per network mode, and per engine with SystemC's slowdown (goal
// <= 1.5) and the functional engine's FLOP rate over the square sgemm's (goal >= 0.6). Rates
// are per second of CPU time, which a busy machine disturbs less than wall time. Last, one line
// per goal names the CPU and build and says "met" or by how much the measurement falls short.
// Google Benchmark flags work as usual (e.g. --benchmark_filter=lenet5); cells whose benchmark a
// filter skipped print "-". With --benchmark_repetitions=N (and
// --benchmark_enable_random_interleaving=true, so the reference and the models share the same
// stretch of a shared machine's noise) every rate in the summary is the best of N.
#include <omp.h>
#include <unistd.h>

#include <Eigen/Core>
#include <algorithm>
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <systemc>  // declares sc_main extern "C"
#include <vector>

#include "benchmarks/bench_cases.hpp"
#include "models/net/architectures.hpp"

using namespace proact;
using namespace proact::bench;

namespace {

// Prints what the console reporter prints and keeps every run's counters by benchmark name.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal, as Google Benchmark's own console reporter does by default.
  CollectingReporter() : ConsoleReporter(isatty(fileno(stdout)) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      for (const auto& [name, counter] : run.counters) {
        double& best = counters_[run.run_name.function_name].try_emplace(name, counter.value).first->second;
        best = std::max(best, counter.value);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // The counter's rate per second, the best of the repetitions (--benchmark_repetitions; a shared
  // machine's noise only slows a run down); NaN when the benchmark did not run.
  double rate(const std::string& benchmark, const std::string& counter) const {
    const auto run = counters_.find(benchmark);
    if (run == counters_.end() || !run->second.count(counter)) return std::numeric_limits<double>::quiet_NaN();
    return run->second.at(counter);
  }

 private:
  std::map<std::string, std::map<std::string, double>> counters_;
};

// `value` printed with `format` in `width` columns, or "-" for NaN.
std::string cell(double value, const char* format, int width) {
  char text[32] = "-";
  if (!std::isnan(value)) std::snprintf(text, sizeof text, format, value);
  char padded[48];
  std::snprintf(padded, sizeof padded, "%*s", width, text);
  return padded;
}

// Per zoo layer and per model: GFLOP/s in each measured order and its ratio to the square sgemm.
void print_layer_ratios(const CollectingReporter& results) {
  const std::vector<NamedOrder> orders = measured_orders();
  const double reference = results.rate(square_gemm_name("eigen"), kFlopsCounter);
  const std::string hardware = orders.front().label;
  std::printf("\nZoo conv and dense layers at batch %d on 1 thread, against a %d^3 Eigen sgemm at %s GFLOP/s\n",
              kBatch, kSquareSize, cell(reference * 1e-9, "%.1f", 0).c_str());
  const double square_hardware = results.rate(square_gemm_name(hardware), kFlopsCounter);
  std::printf("(the same square in %s order: %s GFLOP/s, ratio %s). Ratio = layer / square sgemm, goal >= 0.5.\n\n",
              hardware.c_str(), cell(square_hardware * 1e-9, "%.1f", 0).c_str(),
              cell(square_hardware / reference, "%.2f", 0).c_str());
  std::printf("%-13s %-7s %24s", "model", "layer", "GEMM N x K x M");
  for (const NamedOrder& order : orders) std::printf("  %8s GFLOP/s ratio", order.label.c_str());
  std::printf("\n");

  std::map<std::string, std::vector<double>> model_flops, model_seconds;  // per model, per order
  const std::vector<ZooLayer> layers = zoo_layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ZooLayer& layer = layers[i];
    std::vector<double>& flops = model_flops[layer.architecture];
    std::vector<double>& seconds = model_seconds[layer.architecture];
    flops.resize(orders.size());
    seconds.resize(orders.size());
    std::printf("%-13s %-7s %6d x %5d x %7d", layer.architecture.c_str(), layer.name.c_str(), layer.n, layer.k, layer.m);
    for (std::size_t o = 0; o < orders.size(); ++o) {
      const double rate = results.rate(layer_name(layer, orders[o].label), kFlopsCounter);
      flops[o] += layer.flops();
      seconds[o] += layer.flops() / rate;
      std::printf("  %16s %s", cell(rate * 1e-9, "%.1f", 16).c_str(), cell(rate / reference, "%.2f", 5).c_str());
    }
    std::printf("\n");
    const bool last_of_model = i + 1 == layers.size() || layers[i + 1].architecture != layer.architecture;
    if (!last_of_model) continue;
    std::printf("%-13s %-7s %24s", layer.architecture.c_str(), "all", "");
    for (std::size_t o = 0; o < orders.size(); ++o) {
      const double rate = flops[o] / seconds[o];
      std::printf("  %16s %s", cell(rate * 1e-9, "%.1f", 16).c_str(), cell(rate / reference, "%.2f", 5).c_str());
    }
    std::printf("\n");
  }
}

// Per model: images per second of each network benchmark.
void print_images_per_second(const CollectingReporter& results) {
  const std::vector<std::string> modes = network_modes();
  std::printf("\nImages per second (batch %d, 1 thread)\n%-13s", kBatch, "model");
  for (const std::string& mode : modes) std::printf(" %15s", mode.c_str());
  std::printf("\n");
  for (const std::string& architecture : architecture_names()) {
    std::printf("%-13s", architecture.c_str());
    for (const std::string& mode : modes)
      std::printf(" %s", cell(results.rate(network_name(architecture, mode), kImagesCounter), "%.0f", 15).c_str());
    std::printf("\n");
  }
}

// Per zoo model: its conv and dense FLOPs per image.
std::map<std::string, double> flops_per_image() {
  std::map<std::string, double> flops;
  for (const ZooLayer& layer : zoo_layers()) flops[layer.architecture] += layer.flops() / kBatch;
  return flops;
}

// Per model: images per second of both engines and how many times slower SystemC is; the
// functional engine's FLOP rate (the model's conv and dense FLOPs per image) against the square sgemm.
void print_engines(const CollectingReporter& results) {
  const std::map<std::string, double> flops = flops_per_image();
  const double reference = results.rate(square_gemm_name("eigen"), kFlopsCounter);
  std::printf("\nEngines on the trained zoo (fp32, default preset, batch %d, 1 thread): images/s; goals: systemc "
              "at most 1.5x slower, functional at least 0.6 of the sgemm FLOP rate\n%-13s %12s %12s %9s %10s %7s\n",
              kBatch, "model", "functional", "systemc", "slowdown", "GFLOP/s", "x sgemm");
  for (const std::string& architecture : architecture_names()) {
    const double functional = results.rate(engine_benchmark_name(architecture, Engine::functional), kImagesCounter);
    const double systemc = results.rate(engine_benchmark_name(architecture, Engine::systemc), kImagesCounter);
    const double rate = functional * flops.at(architecture);
    std::printf("%-13s %s %s %s %s %s\n", architecture.c_str(), cell(functional, "%.0f", 12).c_str(),
                cell(systemc, "%.0f", 12).c_str(), cell(functional / systemc, "%.2f", 9).c_str(),
                cell(rate * 1e-9, "%.1f", 10).c_str(), cell(rate / reference, "%.2f", 7).c_str());
  }
}

// The CPU as /proc/cpuinfo names it and the vector unit this build's kernels use.
std::string machine() {
  std::FILE* cpuinfo = std::fopen("/proc/cpuinfo", "r");
  std::string name = "unknown CPU";
  char line[256];
  while (cpuinfo && std::fgets(line, sizeof line, cpuinfo)) {
    const std::string text = line;
    if (text.rfind("model name", 0) != 0) continue;
    name = text.substr(text.find(':') + 2);
    name.erase(name.find_last_not_of(" \n") + 1);
    break;
  }
  if (cpuinfo) std::fclose(cpuinfo);
#if defined(__AVX512F__)
  return name + ", AVX-512 build";
#elif defined(__AVX2__)
  return name + ", AVX2 build";
#else
  return name + ", build without AVX2";
#endif
}

// One goal's line: the measured value against the target, "met" or by how much it falls short.
void print_goal(const std::string& goal, const std::string& subject, double value, double target, bool at_least) {
  std::printf("  %-44s %-13s %s  ", goal.c_str(), subject.c_str(), cell(value, "%.2f", 6).c_str());
  if (std::isnan(value)) {
    std::printf("not measured\n");
  } else if (at_least ? value >= target : value <= target) {
    std::printf("met\n");
  } else {
    std::printf("short by %.1f %%\n", 100 * std::abs(value - target) / target);
  }
}

// Every goal this program measures, one line each.
void print_goals(const CollectingReporter& results) {
  const std::map<std::string, double> flops = flops_per_image();
  const double reference = results.rate(square_gemm_name("eigen"), kFlopsCounter);
  std::printf("\nGoals on this machine (%s)\n", machine().c_str());
  for (const std::string& architecture : architecture_names()) {
    const double functional = results.rate(engine_benchmark_name(architecture, Engine::functional), kImagesCounter);
    const double systemc = results.rate(engine_benchmark_name(architecture, Engine::systemc), kImagesCounter);
    print_goal("functional engine / sgemm FLOP rate >= 0.6", architecture,
               functional * flops.at(architecture) / reference, 0.6, true);
    print_goal("systemc engine slowdown <= 1.5", architecture, functional / systemc, 1.5, false);
  }
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  omp_set_num_threads(1);
  Eigen::setNbThreads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_gemm_benchmarks();
  register_network_benchmarks();
  register_engine_benchmarks();
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  print_layer_ratios(reporter);
  print_images_per_second(reporter);
  print_engines(reporter);
  print_goals(reporter);
  return 0;
}
