#pragma once
// proact explore end to end (docs/codesign.md): every design point's cycles, energy and area
// (sw/explore/point_costs.hpp) and its accuracy under the weight-SRAM faults of its voltage (a
// `voltage` campaign, sw/campaign/runner.hpp: nested maps, MPI-sharded, resumable), joined into
// DIR/points.csv with the Pareto front of energy against accuracy, DIR/pareto.png and
// DIR/summary.md.
//
// Work shared between points: the costs do not depend on the voltage (one compile per hardware
// and protection, priced at every voltage); the accuracy is one campaign per accuracy group,
// over all of the group's voltages and protections on the same maps. With the functional
// engine a group is a weight format and ECC: its maps fault the weight SRAM of the first array,
// weight-stationary, and every array and dataflow of that format and ECC shares the result (with
// independent cell faults and one word per codeword each stored weight bit is faulty at the BER
// whatever the layout; docs/codesign.md says where that is an approximation). With the SystemC
// engine (elaborated once per process) the points must share one hardware, whose own layout the
// maps fault.
//
// DIR holds explore.json (the options, to resume with), accuracy/<group>/ (each group's
// campaign), points.csv, pareto.{png,gp,dat} and summary.md, rewritten atomically after each group.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw/energy/energy_table.hpp"
#include "sw/campaign/process_group.hpp"
#include "sw/campaign/results.hpp"
#include "sw/data/data_spec.hpp"
#include "sw/engine/inference.hpp"
#include "sw/explore/design_points.hpp"
#include "sw/explore/explore_outputs.hpp"
#include "sw/faults/fault_models.hpp"

namespace proact {

struct ExploreOptions {
  std::string model = "lenet5";
  std::vector<DesignPoint> points;
  AcceleratorConfig base;                                      // all but the points' axes
  EnergyTable energy_table;
  FaultModel fault_model = FaultModel::named("voltage");       // its voltage table sets the BER
  std::uint64_t seed = 1;
  std::string out;
  Engine engine = Engine::functional;
  bool resume = false;
  std::size_t limit = 0;
  int batch = 64;
  SummaryOptions summary;
  std::size_t stop_after = 0;  // > 0: stop after this many map runs in all, as if killed
  DataSpec data;
  bool show_progress = true;
  double tolerance = 0.01;     // the summary's accuracy loss allowed (fraction)
};

struct ExploreReport {
  std::vector<ExploreRow> rows;  // in the points' order
  std::string points_csv, plot, summary;
  bool finished = false;
  std::size_t maps_run = 0;
  double wall_seconds = 0;
};

// Errors (std::invalid_argument, std::runtime_error) name the option, point or file.
ExploreReport run_explore(const ExploreOptions& options, const ProcessGroup& group);

}  // namespace proact
