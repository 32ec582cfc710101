// GEMM throughput: the large square Eigen sgemm that sets the machine's reference rate, the same
// square through the engine's hardware-order kernel, and every conv and dense layer of the zoo
// through conv2d_forward / dense_forward in each measured order.
#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include "benchmarks/bench_cases.hpp"
#include "models/kernels/dense.hpp"
#include "models/net/architectures.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/random.hpp"

namespace proact::bench {

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<float> random_values(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> values(count);
  for (float& v : values) v = rng.normal();
  return values;
}

void report_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters[kFlopsCounter] = benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

// Y (S, S) = A (S, S) * B (S, S), S = kSquareSize: Eigen directly, or proact::gemm in `order`.
void square_gemm(benchmark::State& state, bool eigen, AccumulationOrder order) {
  const int s = kSquareSize;
  const std::vector<float> a = random_values(static_cast<std::size_t>(s) * s, 1);
  const std::vector<float> b = random_values(a.size(), 2);
  RowMajor y(s, s);
  for (auto _ : state) {
    if (eigen) {
      y.noalias() = Eigen::Map<const RowMajor>(a.data(), s, s) * Eigen::Map<const RowMajor>(b.data(), s, s);
    } else {
      gemm(a.data(), b.data(), y.data(), s, s, s, order);
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  report_flops(state, 2.0 * s * s * s);
}

// One forward call of the layer on kBatch random images.
void layer_forward(benchmark::State& state, const ZooLayer& layer, AccumulationOrder order) {
  const ConvGeometry& g = layer.geometry;
  const std::size_t in_size = layer.conv ? static_cast<std::size_t>(g.in_channels) * g.in_pixels() : layer.k;
  const std::vector<float> x = random_values(in_size * kBatch, 3);
  std::vector<float> y(static_cast<std::size_t>(layer.n) * layer.m);  // N * M outputs in either layout
  for (auto _ : state) {
    if (layer.conv) {
      conv2d_forward(g, kBatch, x.data(), layer.weight.data(), layer.bias.data(), y.data(), order);
    } else {
      dense_forward(kBatch, layer.k, layer.n, x.data(), layer.weight.data(), layer.bias.data(), y.data(), order);
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  report_flops(state, layer.flops());
}

}  // namespace

std::vector<NamedOrder> measured_orders() {
  return {{"ws32", accumulation_order(Dataflow::ws, 32)}, {"free", AccumulationOrder::free_order()}};
}

std::vector<ZooLayer> zoo_layers() {
  std::vector<ZooLayer> layers;
  for (const std::string& architecture : architecture_names()) {
    const Network network = build_network(architecture, 1);
    for (std::size_t i = 0; i < network.size(); ++i) {
      const auto* gemm_layer = dynamic_cast<const GemmLayer*>(&network.layer(i));
      if (!gemm_layer) continue;
      ZooLayer layer;
      layer.architecture = architecture;
      layer.name = gemm_layer->name();
      layer.n = gemm_layer->out_channels();
      layer.k = gemm_layer->patch_size();
      layer.m = kBatch;
      layer.weight = gemm_layer->parameter("weight").value.values();
      layer.bias = gemm_layer->parameter("bias").value.values();
      if (const auto* conv = dynamic_cast<const Conv2d*>(gemm_layer)) {
        const int from = network.node(i).inputs.at(0);
        layer.conv = true;
        layer.geometry = conv->geometry(from == Network::kInput ? network.input_shape() : network.node(from).output_shape);
        layer.m = layer.geometry.out_pixels() * kBatch;
      }
      layers.push_back(std::move(layer));
    }
  }
  return layers;
}

std::string square_gemm_name(const std::string& label) { return "square_gemm/" + label; }

std::string layer_name(const ZooLayer& layer, const std::string& order_label) {
  return "layer/" + layer.architecture + "/" + layer.name + "/" + order_label;
}

void register_gemm_benchmarks() {
  benchmark::RegisterBenchmark(square_gemm_name("eigen").c_str(), square_gemm, true, AccumulationOrder::free_order())
      ->Unit(benchmark::kMillisecond);
  const NamedOrder hardware = measured_orders().front();
  benchmark::RegisterBenchmark(square_gemm_name(hardware.label).c_str(), square_gemm, false, hardware.order)
      ->Unit(benchmark::kMillisecond);
  for (const ZooLayer& layer : zoo_layers()) {
    for (const NamedOrder& order : measured_orders()) {
      benchmark::RegisterBenchmark(layer_name(layer, order.label).c_str(),
                                   [layer, order](benchmark::State& state) { layer_forward(state, layer, order.order); })
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace proact::bench
