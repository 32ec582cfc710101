#include "sw/faults/fault_family.hpp"

#include "sw/faults/sram_cell_faults.hpp"
#include "sw/faults/stored_word_flips.hpp"
#include "sw/faults/threshold_cell_faults.hpp"
#include "sw/faults/transient_read_faults.hpp"

namespace proact {

FaultNeeds& FaultNeeds::operator|=(const FaultNeeds& other) {
  q15_16_storage = q15_16_storage || other.q15_16_storage;
  fold_mapping = fold_mapping || other.fold_mapping;
  systemc_engine = systemc_engine || other.systemc_engine;
  sram_cells = sram_cells || other.sram_cells;
  return *this;
}

std::size_t MapFaults::count() const {
  std::size_t n = 0;
  for (const auto& part : parts) n += part->count();
  return n;
}

FaultFamilies::FaultFamilies(const FaultModel& model) {
  if (model.kind == FaultModelKind::proact_paper) {
    families_.push_back(std::make_shared<StoredWordFlipFamily>(model));
  } else if (model.kind == FaultModelKind::transient) {
    families_.push_back(std::make_shared<TransientReadFamily>(model));
  } else {
    families_.push_back(std::make_shared<SramCellFamily>(model));
    if (model.threshold_faults) families_.push_back(std::make_shared<ThresholdCellFamily>(model));
  }
}

FaultNeeds FaultFamilies::needs() const {
  FaultNeeds needs;
  for (const auto& family : families_) needs |= family->needs();
  return needs;
}

MapFaults FaultFamilies::draw(const ProtectedNetwork& network, const AcceleratorConfig& config, double rate,
                              std::uint64_t seed) const {
  MapFaults faults;
  for (const auto& family : families_) faults.parts.push_back(family->draw(network, config, rate, seed));
  return faults;
}

}  // namespace proact
