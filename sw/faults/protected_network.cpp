#include "sw/faults/protected_network.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/net/activation_layer.hpp"

namespace proact {

namespace {

Network protected_copy(const Checkpoint& checkpoint, const Protection& protection) {
  Network network = checkpoint.network;
  protection.apply(network);
  return network;
}

}  // namespace

ProtectedNetwork::ProtectedNetwork(const Checkpoint& checkpoint, Protection protection, const AcceleratorConfig& config,
                                   bool q15_16_thresholds)
    : protection_(std::move(protection)),
      deployment_(protected_copy(checkpoint, protection_), config.weight_format,
                  checkpoint.metadata.value("activation_ranges", nlohmann::json::object())) {
  Network& network = deployment_.network();
  ClipUnitAllocator units;
  for (std::size_t i = 0; i < network.size(); ++i) {
    auto* activation = dynamic_cast<Activation*>(&network.layer(i));
    if (!activation || activation->form() == ClipForm::relu) continue;
    Tensor& t = activation->parameter("thresholds").value;
    const bool neuron = t.size() > 1;
    clipped_.push_back({i, units.next(t.size()), threshold_words_.size()});
    if (!neuron) continue;
    std::vector<std::uint32_t> words;
    if (q15_16_thresholds) {
      for (float& v : t.values()) {
        words.push_back(encode_word(Format::q15_16, v));
        v = decode_word(Format::q15_16, words.back());
      }
    }
    threshold_words_.push_back(std::move(words));
  }
}

const ClippedLayer& ProtectedNetwork::neuron_wise_layer(std::size_t i) const {
  const auto found = std::find_if(clipped_.begin(), clipped_.end(),
                                  [i](const ClippedLayer& c) { return c.neuron_wise() && c.neuron_index == i; });
  if (found == clipped_.end()) throw std::out_of_range("no neuron-wise layer " + std::to_string(i));
  return *found;
}

}  // namespace proact
