#pragma once
// The network definitions of the model zoo, for 1x28x28 inputs and 10 classes
// (Fashion-MNIST). Weights are He-initialised from `seed`; biases start at zero.
#include <cstdint>
#include <string>
#include <vector>

#include "models/net/network.hpp"

namespace proact {

std::vector<std::string> architecture_names();  // lenet5, vgg-small, resnet-small
// Throws std::invalid_argument listing the known names for an unknown one.
Network build_network(const std::string& architecture, std::uint64_t seed);

}  // namespace proact
