#include "sw/engine/energy_report.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace proact {

std::vector<EnergyBreakdown> layer_energies(const Program& program, const std::vector<LayerReport>& layers,
                                            const EnergyModel& model) {
  if (layers.size() != program.layers.size()) {
    throw std::invalid_argument("layer_energies: " + std::to_string(layers.size()) + " reports for " +
                                std::to_string(program.layers.size()) + " descriptors");
  }
  std::vector<EnergyBreakdown> energies;
  energies.reserve(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerDescriptor& d = program.layers[i];
    const bool in_table = d.post == PostOp::clip && d.clip_unit < program.clip_units.size() &&
                          program.clip_units[d.clip_unit].neuron_wise();
    energies.push_back(model.layer(layers[i], in_table));
  }
  return energies;
}

EnergyBreakdown total_energy(const std::vector<EnergyBreakdown>& layers) {
  EnergyBreakdown total;
  for (const EnergyBreakdown& e : layers) total += e;
  return total;
}

nlohmann::json energy_json(const EnergyBreakdown& e) {
  return {{"mac", e.mac},   {"weight_sram", e.weight_sram}, {"act_sram", e.act_sram}, {"clip", e.clip},
          {"ecc", e.ecc},   {"dram", e.dram},               {"leakage", e.leakage},   {"total", e.total()}};
}

nlohmann::json area_json(const AreaBreakdown& a) {
  return {{"weight_sram", a.weight_sram}, {"act_sram", a.act_sram}, {"thresholds", a.thresholds},
          {"pe_array", a.pe_array},       {"total", a.total()}};
}

}  // namespace proact
