#include "sw/protection/clip_sites.hpp"

#include <stdexcept>

namespace proact {

std::vector<std::size_t> clip_sites(const Network& network) {
  std::vector<std::size_t> sites;
  for (std::size_t i = 0; i < network.size(); ++i)
    if (dynamic_cast<const Activation*>(&network.layer(i))) sites.push_back(i);
  if (sites.empty()) {
    throw std::invalid_argument("network '" + network.architecture() + "' has no activation layers to clip");
  }
  return sites;
}

const Activation& activation_at(const Network& network, std::size_t site) {
  const auto* activation = dynamic_cast<const Activation*>(&network.layer(site));
  if (!activation) {
    throw std::invalid_argument("node " + std::to_string(site) + " ('" + network.layer(site).name() +
                                "') is a " + network.layer(site).kind() + ", not an activation");
  }
  return *activation;
}

Activation& activation_at(Network& network, std::size_t site) {
  return const_cast<Activation&>(activation_at(static_cast<const Network&>(network), site));
}

void set_clip_form(Network& network, ClipForm form) {
  for (std::size_t site : clip_sites(network)) activation_at(network, site).set_form(form);
}

std::vector<Shape> clip_output_shapes(const Network& network) {
  std::vector<Shape> shapes;
  for (std::size_t site : clip_sites(network)) shapes.push_back(network.node(site).output_shape);
  return shapes;
}

}  // namespace proact
