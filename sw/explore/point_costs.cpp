#include "sw/explore/point_costs.hpp"

#include <stdexcept>

#include "sw/engine/energy_report.hpp"
#include "sw/faults/protected_network.hpp"
#include "sw/model/load_model.hpp"
#include "sw/protection/protection.hpp"

namespace proact {

PointCosts::PointCosts(const std::string& model, const DataSpec& data, const EnergyTable& table,
                       const AcceleratorConfig& base, int batch)
    : checkpoint_(load_model(model)), table_(table), base_(base), batch_(batch) {
  add_missing_activation_ranges(checkpoint_, data);
}

const PointCosts::Compiled& PointCosts::compiled(const DesignPoint& point, const AcceleratorConfig& config) {
  const std::string key = point.hardware() + " | " + point.protection;
  auto it = compiled_.find(key);
  if (it != compiled_.end()) return it->second;
  Compiled result;
  try {
    // The deployment a campaign runs (sw/faults/protected_network.hpp).
    ProtectedNetwork network(checkpoint_, load_protection(point.protection), config, false);
    result.program = compile_program(network.deployment(), config, batch_);
  } catch (const std::exception& e) {
    throw std::invalid_argument("design point " + point.hardware() + ", protection " + point.protection + ": " + e.what());
  }
  for (const LayerDescriptor& d : result.program.layers) result.layers.push_back(layer_timing(d, config));
  return compiled_.emplace(key, std::move(result)).first->second;
}

PointCost PointCosts::cost(const DesignPoint& point) {
  const AcceleratorConfig config = point_config(base_, point);
  const Compiled& c = compiled(point, config);
  const auto per_image = [&](const EnergyModel& model) {
    return total_energy(layer_energies(c.program, c.layers, model)) / batch_;
  };
  const EnergyModel model(table_, config, point.volts);
  PointCost cost;
  long cycles = 0;
  for (const LayerReport& r : c.layers) cycles += r.total_cycles;
  cost.cycles_per_image = static_cast<double>(cycles) / batch_;
  cost.energy = per_image(model);
  cost.nominal_energy = per_image(EnergyModel(table_, config, table_.nominal_volts));
  cost.area = model.area();
  return cost;
}

}  // namespace proact
