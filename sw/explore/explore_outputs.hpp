#pragma once
// What `proact explore` writes: one row per design point (points.csv), the energy-accuracy plot
// with its Pareto front (pareto.png) and the headline per design (summary.md).
#include <string>
#include <vector>

#include "sw/campaign/results.hpp"
#include "sw/explore/design_points.hpp"
#include "sw/explore/point_costs.hpp"

namespace proact {

struct ExploreRow {
  DesignPoint point;
  PointCost cost;
  PointSummary accuracy;       // accuracy.accuracy.n = 0 until its maps are run; ber always set
  std::string accuracy_group;  // the campaign directory under DIR/accuracy
  bool on_front = false;       // Pareto-optimal in (energy per image, mean accuracy)
};

// Sets on_front over the rows with maps.
void mark_pareto_front(std::vector<ExploreRow>& rows);

// Header, then one row per point: array, dataflow, format, ecc, protection, method, volts, ber,
// cycles_per_image, energy_pj (per image) and its mac/sram/dram/leakage parts, nominal_energy_pj
// (the same design at nominal voltage), energy_saving (1 - energy / nominal), area_mm2, maps,
// accuracy, ci_low, ci_high, clean_accuracy (fractions; "nan" without maps), on_front (0/1),
// accuracy_group. Numbers with 10 significant digits.
std::string explore_csv(const std::vector<ExploreRow>& rows);

// Markdown: per design (hardware and protection), the lowest voltage whose accuracy stays within
// `tolerance` of the design's fault-free accuracy at the CI's lower bound (at that voltage and
// every higher one explored), its energy per image and the saving against the same design at
// nominal voltage.
std::string explore_summary(const std::vector<ExploreRow>& rows, double tolerance, const std::string& title);

// dir/pareto.{dat,gp,png}: energy per image (uJ, log axis) against accuracy (%), colour per protection,
// marker per ECC, the front as a line. Returns the PNG's path; throws std::runtime_error when
// gnuplot fails.
std::string plot_pareto(const std::string& dir, const std::vector<ExploreRow>& rows, const std::string& title);

}  // namespace proact
