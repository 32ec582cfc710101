#include "sw/faults/threshold_cell_faults.hpp"

#include "hw/interface/register_map.hpp"
#include "models/random.hpp"

namespace proact {

void ThresholdCellFaults::apply(NetworkEdits& edits, const WeightPlacement*, FaultCounts&) const {
  for (const ClippedLayer& c : edits.network().clipped()) {
    FaultMap cells = c.neuron_wise() ? table : clip_registers;  // a copy: its counts are not the run's
    if (cells.empty()) continue;
    const Tensor& thresholds = edits.thresholds(c.node);
    for (std::size_t j = 0; j < thresholds.size(); ++j) {
      const std::uint64_t address = c.neuron_wise() ? c.unit.table_base + j : c.unit.unit;
      const std::uint32_t word = encode_word(kActivationFormat, thresholds[j]);
      const std::uint32_t delivered = cells.on_read(address, cells.on_store(address, word));
      if (delivered != word) edits.set_threshold(c.node, j, decode_word(kActivationFormat, delivered));
    }
  }
}

void ThresholdCellFaults::install(AcceleratorFaults& target) const {
  target.set_clip_threshold_faults(clip_registers);
  target.set_threshold_table_faults(table);
}

std::shared_ptr<const FamilyFaults> ThresholdCellFamily::draw(const ProtectedNetwork&, const AcceleratorConfig& config,
                                                              double rate, std::uint64_t seed) const {
  return std::make_shared<ThresholdCellFaults>(
      cell_faults(model(), rate, {kClipUnits, 32, EccScheme::none}, Rng::derive(seed, clip_register_stream)).data,
      cell_faults(model(), rate, {config.threshold_table_words, 32, EccScheme::none}, Rng::derive(seed, threshold_table_stream))
          .data);
}

}  // namespace proact
