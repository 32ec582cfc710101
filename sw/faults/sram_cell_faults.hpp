#pragma once
// Faulty cells of the weight SRAM (the physical models: bernoulli, stuck-at, burst, column, row,
// voltage), data and ECC check cells under the config's weight_sram_ecc. The SystemC engine
// installs them as the SRAM's fault hook (the ECC decorator, hw/faults/protected_sram.hpp); the
// functional engine changes exactly the stored weight words that the hook would deliver wrong,
// through the fold mapping (sw/faults/weight_placement.hpp). Both count ECC outcomes per run.
#include "sw/faults/fault_family.hpp"

namespace proact {

class SramCellFaults : public FamilyFaults {
 public:
  explicit SramCellFaults(SramFaults cells) : cells(std::move(cells)) {}
  SramFaults cells;

  std::size_t count() const override { return cells.size(); }
  void apply(NetworkEdits& edits, const WeightPlacement* placement, FaultCounts& counts) const override;
  void install(AcceleratorFaults& target) const override;
};

class SramCellFamily : public FaultFamily {
 public:
  using FaultFamily::FaultFamily;
  FaultNeeds needs() const override {
    FaultNeeds needs;
    needs.fold_mapping = needs.sram_cells = true;
    return needs;
  }
  std::shared_ptr<const FamilyFaults> draw(const ProtectedNetwork& network, const AcceleratorConfig& config,
                                           double rate, std::uint64_t seed) const override;
};

}  // namespace proact
