#pragma once
// A run's energy per layer at one design point: the layers' counts (InferenceRun::layers) priced
// by hw/energy/energy_model.hpp, each clipped layer's thresholds read from its clip unit's
// register or table window as the program placed them; and their JSON form.
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hw/control/layer_timing.hpp"
#include "hw/energy/energy_model.hpp"
#include "sw/compiler/program.hpp"

namespace proact {

// layers: one report per program descriptor, in order.
std::vector<EnergyBreakdown> layer_energies(const Program& program, const std::vector<LayerReport>& layers,
                                            const EnergyModel& model);
// The sum of the layers' energies: the network's.
EnergyBreakdown total_energy(const std::vector<EnergyBreakdown>& layers);

// {"mac": pJ, "weight_sram", "act_sram", "clip", "ecc", "dram", "leakage", "total"}
nlohmann::json energy_json(const EnergyBreakdown& energy);
// {"weight_sram": mm^2, "act_sram", "thresholds", "pe_array", "total"}
nlohmann::json area_json(const AreaBreakdown& area);

}  // namespace proact
