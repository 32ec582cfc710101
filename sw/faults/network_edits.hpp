#pragma once
// One map's changes to the functional engine's network: stored words of the deployment's
// parameters and values of clip thresholds, each recorded so restore() puts the clean network
// back, and summarised as the nodes a run must recompute.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sw/faults/protected_network.hpp"

namespace proact {

// A node whose parameters differ from the clean network's. `channels`: the output channels of a
// conv/dense node whose weight rows or bias changed (sorted, unique); empty means the whole node
// (e.g. an activation's thresholds).
struct NodeChange {
  std::size_t node = 0;
  std::vector<int> channels;
};

class NetworkEdits {
 public:
  explicit NetworkEdits(ProtectedNetwork& network) : network_(network) {}
  NetworkEdits(const NetworkEdits&) = delete;
  NetworkEdits& operator=(const NetworkEdits&) = delete;
  ~NetworkEdits() { restore(); }

  const ProtectedNetwork& network() const { return network_; }
  // Stored word `element` of Deployment::parameters()[parameter]; the decoded network follows at commit().
  std::uint32_t word(std::size_t parameter, std::size_t element) const;
  void set_word(std::size_t parameter, std::size_t element, std::uint32_t word);
  // The thresholds of the Activation node `node` as they are now (1 element layer-wise).
  const Tensor& thresholds(std::size_t node) const;
  void set_threshold(std::size_t node, std::size_t element, float value);

  // Decodes every changed parameter into the network and returns the changed nodes: conv/dense
  // nodes with their changed output channels, then activations with changed thresholds.
  std::vector<NodeChange> commit();
  // Puts back every word and threshold changed since construction (or the last restore).
  void restore();

 private:
  struct SavedWord {
    std::size_t parameter, element;
    std::uint32_t word;
  };
  struct SavedThreshold {
    std::size_t node, element;
    float value;
  };
  ProtectedNetwork& network_;
  std::vector<SavedWord> saved_words_;
  std::vector<SavedThreshold> saved_thresholds_;
};

}  // namespace proact
