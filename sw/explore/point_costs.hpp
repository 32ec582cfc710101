#pragma once
// What a design point costs per image, from the accelerator's timing model alone (no images run):
// its program's per-layer counts (hw/control/layer_timing.hpp, the numbers the SystemC model's
// counters sum) priced by the energy table at the point's weight-SRAM voltage, and its area.
// The counts do not depend on the voltage, the fault map or the images, so each (hardware,
// protection) is compiled once and priced at every voltage.
#include <map>
#include <string>
#include <vector>

#include "hw/control/layer_timing.hpp"
#include "hw/energy/energy_model.hpp"
#include "models/net/checkpoint.hpp"
#include "sw/compiler/program.hpp"
#include "sw/data/data_spec.hpp"
#include "sw/explore/design_points.hpp"

namespace proact {

struct PointCost {
  double cycles_per_image = 0;
  EnergyBreakdown energy;          // pJ per image at the point's voltage
  EnergyBreakdown nominal_energy;  // pJ per image, the same design at the table's nominal voltage
  AreaBreakdown area;              // mm^2
};

class PointCosts {
 public:
  // `model` as --model takes it; `data` gives int8's activation ranges to a model without them.
  // Runs of `batch` images: per-image figures are a batch's divided by `batch`.
  PointCosts(const std::string& model, const DataSpec& data, const EnergyTable& table, const AcceleratorConfig& base,
             int batch);

  // Errors name the point (a config the point makes invalid, a model its SRAM cannot hold).
  PointCost cost(const DesignPoint& point);

 private:
  struct Compiled {
    Program program;
    std::vector<LayerReport> layers;
  };
  const Compiled& compiled(const DesignPoint& point, const AcceleratorConfig& config);

  Checkpoint checkpoint_;
  EnergyTable table_;
  AcceleratorConfig base_;
  int batch_;
  std::map<std::string, Compiled> compiled_;  // by hardware and protection
};

}  // namespace proact
