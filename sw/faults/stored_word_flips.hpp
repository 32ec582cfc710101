#pragma once
// The paper's protocol (proact-paper, docs/design.md section 4): flips in the stored Q15.16 words
// of every conv/dense weight and bias and of every neuron-wise threshold tensor, exactly
// floor(numel * 32 * BER) distinct (element, bit) positions per tensor. The functional engine
// flips the deployment's words and thresholds; the SystemC engine the program's DRAM words and
// its threshold table.
#include "sw/faults/fault_family.hpp"

namespace proact {

class StoredWordFlips : public FamilyFaults {
 public:
  std::vector<StoredFlip> parameters;  // tensor = Deployment::parameters() index
  std::vector<StoredFlip> thresholds;  // tensor = neuron-wise layer index

  std::size_t count() const override { return parameters.size() + thresholds.size(); }
  void apply(NetworkEdits& edits, const WeightPlacement* placement, FaultCounts& counts) const override;
  void install(AcceleratorFaults& target) const override;
};

class StoredWordFlipFamily : public FaultFamily {
 public:
  using FaultFamily::FaultFamily;
  FaultNeeds needs() const override {
    FaultNeeds needs;
    needs.q15_16_storage = true;
    return needs;
  }
  std::shared_ptr<const FamilyFaults> draw(const ProtectedNetwork& network, const AcceleratorConfig& config,
                                           double rate, std::uint64_t seed) const override;
};

}  // namespace proact
