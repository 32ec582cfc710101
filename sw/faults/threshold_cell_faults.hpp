#pragma once
// Faulty cells of the CSR threshold stores (`--threshold-faults` with a physical model): the
// CLIP_THRESHOLD registers and the THRESHOLD_TABLE words, without ECC. The SystemC engine installs
// them as the stores' fault maps; the functional engine gives each clipped layer the thresholds
// those cells deliver (stored, then read, as the hardware does).
#include "sw/faults/fault_family.hpp"

namespace proact {

class ThresholdCellFaults : public FamilyFaults {
 public:
  ThresholdCellFaults(FaultMap clip_registers, FaultMap table)
      : clip_registers(std::move(clip_registers)), table(std::move(table)) {}
  FaultMap clip_registers;  // over CLIP_THRESHOLD register slots
  FaultMap table;           // over THRESHOLD_TABLE words

  std::size_t count() const override { return clip_registers.faults().size() + table.faults().size(); }
  void apply(NetworkEdits& edits, const WeightPlacement* placement, FaultCounts& counts) const override;
  void install(AcceleratorFaults& target) const override;
};

class ThresholdCellFamily : public FaultFamily {
 public:
  using FaultFamily::FaultFamily;
  FaultNeeds needs() const override { return {}; }
  std::shared_ptr<const FamilyFaults> draw(const ProtectedNetwork& network, const AcceleratorConfig& config,
                                           double rate, std::uint64_t seed) const override;
};

}  // namespace proact
