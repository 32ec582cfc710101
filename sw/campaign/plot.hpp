#pragma once
// accuracy_vs_rate.png: mean top-1 accuracy against the rate, one curve per method with its
// confidence band, drawn by gnuplot from a generated script (accuracy_vs_rate.gp) and data file
// (accuracy_vs_rate.dat) kept beside the PNG, so the figure can be restyled and redrawn.
#include <string>
#include <vector>

#include "sw/campaign/results.hpp"

namespace proact {

struct PlotSpec {
  std::string title;
  std::string x_label;
  bool log_x = true;       // bit error rates; false for supply voltages
  double confidence = 0.95;
};

// Writes DIR/accuracy_vs_rate.{dat,gp} and runs gnuplot on them in DIR. Returns the PNG's path,
// or throws std::runtime_error naming the script when gnuplot is missing or fails.
std::string plot_accuracy_vs_rate(const std::string& dir, const std::vector<PointSummary>& points, const PlotSpec& spec);

}  // namespace proact
