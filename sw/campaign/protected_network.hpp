#pragma once
// One protection deployed for one accelerator config, ready for fault maps: the deployment (its
// stored weight and bias words are what proact-paper flips), where each clipped layer's
// thresholds live in the accelerator (register slot or the table), and the fault targets a map
// of any model is drawn over. With Q15.16 threshold storage (proact-paper), every neuron-wise
// threshold tensor is stored as Q15.16 words, so the clean network already runs the quantised
// values and a flip changes exactly one of them.
#include <cstdint>
#include <optional>
#include <vector>

#include "hw/config.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/deployment.hpp"
#include "sw/faults/fault_models.hpp"
#include "sw/protection/protection.hpp"

namespace proact {

struct ClippedLayer {
  std::size_t node = 0;      // the Activation node
  bool neuron_wise = false;
  std::size_t slot = 0;      // layer-wise: CLIP_THRESHOLD register; neuron-wise: its index among neuron-wise layers
};

// What one map faults, drawn from independent streams of the map's seed, so the weight-SRAM or
// stored-weight faults of a map are the same for every protection.
struct MapFaults {
  std::vector<StoredFlip> parameter_flips;       // proact-paper: tensor = Deployment::parameters() index
  std::vector<StoredFlip> threshold_flips;       // proact-paper: tensor = neuron-wise layer index
  std::optional<SramFaults> weight_sram;         // physical models
  std::optional<FaultMap> clip_thresholds;       // physical models with threshold faults: CLIP_THRESHOLD words
  std::optional<FaultMap> threshold_table;       // ... and THRESHOLD_TABLE words
  double transient_rate = 0;                     // transient: flip probability per bit read
  std::uint64_t transient_seed = 0;
  std::size_t count() const;                     // flips, faulty cells (or 0 for transient)
};

class ProtectedNetwork {
 public:
  // The checkpoint's network with `protection` applied, batch norm folded, stored in
  // config.weight_format. Throws std::invalid_argument when the protection does not fit the model.
  ProtectedNetwork(const Checkpoint& checkpoint, Protection protection, const AcceleratorConfig& config,
                   bool q15_16_thresholds);

  const Protection& protection() const { return protection_; }
  Deployment& deployment() { return deployment_; }
  const std::vector<ClippedLayer>& clipped() const { return clipped_; }
  // The Q15.16 words of neuron-wise layer i (empty without Q15.16 threshold storage).
  const std::vector<std::uint32_t>& threshold_words(std::size_t i) const { return threshold_words_.at(i); }

  // The faults of one map of `model` at `rate` with seed `seed` (map_seed), over this network's
  // stored tensors, the config's weight SRAM under its ECC and the CSR threshold stores.
  MapFaults draw(const FaultModel& model, double rate, std::uint64_t seed, const AcceleratorConfig& config) const;

 private:
  Protection protection_;
  Deployment deployment_;
  std::vector<ClippedLayer> clipped_;
  std::vector<std::vector<std::uint32_t>> threshold_words_;
};

}  // namespace proact
