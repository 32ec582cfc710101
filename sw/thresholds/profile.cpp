#include "sw/thresholds/profile.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "models/names.hpp"
#include "models/random.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/train/evaluate.hpp"

namespace proact {

Dataset seeded_subset(const Dataset& train, std::size_t count, std::uint64_t seed, const std::string& name) {
  if (count == 0) throw std::invalid_argument(name + ": a subset needs at least one image");
  std::vector<std::size_t> order(train.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng(seed).shuffle(order);
  order.resize(std::min(count, order.size()));
  return subset(train, order, train.name + "/" + name);
}

std::vector<Tensor> profile_max_activations(Network& network, const Dataset& calibration, std::size_t batch_size) {
  if (calibration.size() == 0) throw std::invalid_argument("profiling needs at least one calibration image");
  const std::vector<std::size_t> sites = clip_sites(network);
  std::vector<Tensor> maxima;
  for (std::size_t site : sites) maxima.emplace_back(network.node(site).output_shape, -std::numeric_limits<float>::infinity());
  for (std::size_t begin = 0; begin < calibration.size(); begin += batch_size) {
    const std::size_t count = std::min(batch_size, calibration.size() - begin);
    network.forward(batch_images(calibration, begin, count), ExecutionOptions{});
    for (std::size_t l = 0; l < sites.size(); ++l) {
      const Tensor& out = network.activation(sites[l]);
      Tensor& max = maxima[l];
      for (std::size_t b = 0; b < count; ++b)
        for (std::size_t e = 0; e < max.size(); ++e) max[e] = std::max(max[e], out[b * max.size() + e]);
    }
  }
  return maxima;
}

namespace {

const NameTable<Granularity>& granularity_table() {
  static const NameTable<Granularity> table(
      "granularity", {
      {Granularity::layer, "layer"}, {Granularity::neuron, "neuron"}, {Granularity::hybrid, "hybrid"},
      {Granularity::hybrid_first, "hybrid-first"}});
  return table;
}

}  // namespace

Granularity parse_granularity(const std::string& name) { return granularity_table().parse(name); }

std::string granularity_name(Granularity granularity) { return granularity_table().name(granularity); }

std::vector<Tensor> initial_thresholds(const std::vector<Tensor>& maxima, Granularity granularity) {
  std::vector<Tensor> thresholds;
  for (std::size_t l = 0; l < maxima.size(); ++l) {
    const bool neuron = granularity == Granularity::neuron ||
                        (granularity == Granularity::hybrid && l + 1 == maxima.size()) ||
                        (granularity == Granularity::hybrid_first && l == 0);
    if (neuron) {
      thresholds.push_back(maxima[l]);
    } else {
      const std::vector<float>& v = maxima[l].values();
      thresholds.emplace_back(Shape{1}, *std::max_element(v.begin(), v.end()));
    }
  }
  return thresholds;
}

}  // namespace proact
