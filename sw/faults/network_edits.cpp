#include "sw/faults/network_edits.hpp"

#include <map>
#include <set>

#include "models/net/activation_layer.hpp"

namespace proact {

namespace {

Tensor& thresholds_of(Network& network, std::size_t node) {
  return dynamic_cast<Activation&>(network.layer(node)).parameter("thresholds").value;
}

}  // namespace

std::uint32_t NetworkEdits::word(std::size_t parameter, std::size_t element) const {
  return network_.deployment().parameters()[parameter].stored.words[element];
}

void NetworkEdits::set_word(std::size_t parameter, std::size_t element, std::uint32_t word) {
  std::uint32_t& stored = network_.deployment().parameters()[parameter].stored.words[element];
  saved_words_.push_back({parameter, element, stored});
  stored = word;
}

const Tensor& NetworkEdits::thresholds(std::size_t node) const {
  return thresholds_of(network_.deployment().network(), node);
}

void NetworkEdits::set_threshold(std::size_t node, std::size_t element, float value) {
  float& t = thresholds_of(network_.deployment().network(), node)[element];
  saved_thresholds_.push_back({node, element, t});
  t = value;
}

std::vector<NodeChange> NetworkEdits::commit() {
  Deployment& deployment = network_.deployment();
  std::map<std::size_t, std::set<int>> channels;
  std::set<std::size_t> parameters;
  for (const SavedWord& s : saved_words_) {
    const StoredParameter& p = deployment.parameters()[s.parameter];
    const std::size_t per_channel = p.stored.words.size() / static_cast<std::size_t>(p.stored.shape.at(0));
    channels[p.node].insert(static_cast<int>(s.element / per_channel));
    parameters.insert(s.parameter);
  }
  for (std::size_t p : parameters) deployment.apply(p);
  std::set<std::size_t> threshold_nodes;
  for (const SavedThreshold& s : saved_thresholds_) threshold_nodes.insert(s.node);
  std::vector<NodeChange> changes;
  for (const auto& [node, set] : channels) changes.push_back({node, std::vector<int>(set.begin(), set.end())});
  for (std::size_t node : threshold_nodes) changes.push_back({node, {}});
  return changes;
}

void NetworkEdits::restore() {
  Deployment& deployment = network_.deployment();
  std::set<std::size_t> parameters;
  for (auto it = saved_words_.rbegin(); it != saved_words_.rend(); ++it) {
    deployment.parameters()[it->parameter].stored.words[it->element] = it->word;
    parameters.insert(it->parameter);
  }
  for (std::size_t p : parameters) deployment.apply(p);
  for (auto it = saved_thresholds_.rbegin(); it != saved_thresholds_.rend(); ++it)
    thresholds_of(deployment.network(), it->node)[it->element] = it->value;
  saved_words_.clear();
  saved_thresholds_.clear();
}

}  // namespace proact
