#pragma once
// One protection deployed for one accelerator config, ready for fault maps: the deployment (its
// stored weight and bias words are what proact-paper flips) and where each clipped layer's
// thresholds live in the accelerator (its clip unit's register or table window, placed as the
// compiler places them): the targets a fault family
// draws its faults over (sw/faults/fault_family.hpp). With Q15.16 threshold storage (proact-paper), every neuron-wise
// threshold tensor is stored as Q15.16 words, so the clean network already runs the quantised
// values and a flip changes exactly one of them.
#include <cstdint>
#include <vector>

#include "hw/config.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/deployment.hpp"
#include "sw/compiler/clip_units.hpp"
#include "sw/protection/protection.hpp"

namespace proact {

struct ClippedLayer {
  std::size_t node = 0;          // the Activation node
  ClipUnit unit;                 // its CLIP_THRESHOLD register or threshold table window
  std::size_t neuron_index = 0;  // neuron-wise: its index among the neuron-wise layers (threshold_words)
  bool neuron_wise() const { return unit.neuron_wise(); }
};

class ProtectedNetwork {
 public:
  // The checkpoint's network with `protection` applied, batch norm folded, stored in
  // config.weight_format. Throws std::invalid_argument when the protection does not fit the model.
  ProtectedNetwork(const Checkpoint& checkpoint, Protection protection, const AcceleratorConfig& config,
                   bool q15_16_thresholds);

  const Protection& protection() const { return protection_; }
  Deployment& deployment() { return deployment_; }
  const Deployment& deployment() const { return deployment_; }
  const std::vector<ClippedLayer>& clipped() const { return clipped_; }
  std::size_t neuron_wise_layers() const { return threshold_words_.size(); }
  // Neuron-wise layer i (its neuron_index), in execution order; throws std::out_of_range past the last.
  const ClippedLayer& neuron_wise_layer(std::size_t i) const;
  // The Q15.16 words of neuron-wise layer i (empty without Q15.16 threshold storage).
  const std::vector<std::uint32_t>& threshold_words(std::size_t i) const { return threshold_words_.at(i); }

 private:
  Protection protection_;
  Deployment deployment_;
  std::vector<ClippedLayer> clipped_;
  std::vector<std::vector<std::uint32_t>> threshold_words_;
};

}  // namespace proact
