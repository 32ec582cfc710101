#include "sw/protection/apply.hpp"

#include <stdexcept>

#include "sw/protection/clip_sites.hpp"

namespace proact {

void set_thresholds(Network& network, const std::vector<Tensor>& thresholds, ClipForm form, float sharpness) {
  const std::vector<std::size_t> sites = clip_sites(network);
  if (thresholds.size() != sites.size()) {
    throw std::invalid_argument(std::to_string(thresholds.size()) + " threshold tensors for the " +
                                std::to_string(sites.size()) + " clipped layers of " + network.architecture());
  }
  for (std::size_t l = 0; l < sites.size(); ++l) activation_at(network, sites[l]).set_clipping(form, thresholds[l], sharpness);
}

void apply_thresholds(Network& network, const ThresholdFile& file, ClipForm form) {
  check_threshold_file(file, network);
  std::vector<Tensor> thresholds;
  for (std::size_t site : clip_sites(network)) {
    const std::vector<float>& values = file.layers[thresholds.size()].values;
    thresholds.emplace_back(values.size() == 1 ? Shape{1} : network.node(site).output_shape, values);
  }
  set_thresholds(network, thresholds, form, static_cast<float>(file.sharpness));
}

std::vector<Tensor> current_thresholds(const Network& network) {
  std::vector<Tensor> thresholds;
  for (std::size_t site : clip_sites(network)) thresholds.push_back(activation_at(network, site).parameter("thresholds").value);
  return thresholds;
}

std::vector<LayerThresholds> layer_thresholds(const Network& network) {
  std::vector<LayerThresholds> layers;
  for (std::size_t site : clip_sites(network)) {
    const Activation& a = activation_at(network, site);
    layers.push_back({a.name(), a.parameter("thresholds").value.values(), std::nullopt});
  }
  return layers;
}

}  // namespace proact
