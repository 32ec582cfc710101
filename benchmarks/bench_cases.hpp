#pragma once
// The benchmark cases, shared by their registration (bench_gemm.cpp, bench_network.cpp,
// bench_engines.cpp) and by the summary bench_main.cpp prints from the same run: the benchmark
// names are the lookup keys.
#include <string>
#include <vector>

#include "models/kernels/conv.hpp"
#include "sw/engine/inference.hpp"

namespace proact::bench {

constexpr int kBatch = 64;         // images per layer call, per inference batch and per training step
constexpr int kSquareSize = 1024;  // the reference GEMM is kSquareSize^3

// Counters every benchmark reports (rates per second of CPU time).
constexpr const char* kFlopsCounter = "FLOP/s";
constexpr const char* kImagesCounter = "images/s";

// The two accumulation orders measured: the hardware's (weight stationary, 32 rows) and free.
struct NamedOrder {
  std::string label;  // "ws32", "free"
  AccumulationOrder order;
};
std::vector<NamedOrder> measured_orders();

// A conv or dense layer of a zoo network as the array computes it at kBatch:
// Y (N, M) = W (N, K) * X (K, M), N = output channels, K = patch size, M = output pixels * kBatch.
struct ZooLayer {
  std::string architecture, name;
  bool conv = false;
  ConvGeometry geometry;            // conv only
  int n = 0, k = 0, m = 0;
  std::vector<float> weight, bias;  // the network's He-initialised values
  double flops() const { return 2.0 * n * k * m; }
};
// Every conv and dense layer of the zoo architectures, in network order.
std::vector<ZooLayer> zoo_layers();

std::string square_gemm_name(const std::string& label);                      // "square_gemm/eigen"
std::string layer_name(const ZooLayer& layer, const std::string& order_label);  // "layer/lenet5/conv1/ws32"
// Whole networks: mode is "inference-<order label>" (evaluate) or "training" (train_network, free order).
std::vector<std::string> network_modes();
std::string network_name(const std::string& architecture, const std::string& mode);  // "network/lenet5/training"

// The inference engines on a trained zoo model, in images/s: "engine/lenet5/systemc".
std::string engine_benchmark_name(const std::string& architecture, Engine engine);

void register_gemm_benchmarks();
void register_network_benchmarks();
// Skips, with a printed note, architectures without a trained checkpoint.
void register_engine_benchmarks();

}  // namespace proact::bench
