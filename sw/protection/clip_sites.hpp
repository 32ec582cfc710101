#pragma once
// The clipped layers of a network: every Activation node, in execution order (docs/design.md section 3
// clips every ReLU). Threshold methods, files and the compiler all number them this way.
#include <cstddef>
#include <vector>

#include "models/net/activation_layer.hpp"
#include "models/net/network.hpp"

namespace proact {

// Node indices of the network's Activation layers, in execution order; throws std::invalid_argument
// naming the architecture when there are none.
std::vector<std::size_t> clip_sites(const Network& network);

// The Activation at node `site`; throws std::invalid_argument when that node is another kind.
Activation& activation_at(Network& network, std::size_t site);
const Activation& activation_at(const Network& network, std::size_t site);

// Every clipped layer switched to `form` with its thresholds kept (Activation::set_form).
void set_clip_form(Network& network, ClipForm form);

// Per-sample output shape of each clipped layer, in execution order.
std::vector<Shape> clip_output_shapes(const Network& network);

}  // namespace proact
