#pragma once
// COMPUTE_REPORT.csv in SCALE-Sim's layout, then our own columns:
//   LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,
//   Layer Name, M, N, K, MACs, Folds, Compute Cycles, Cycles, Dataflow, Array, Timing,
// "Total Cycles" keeps SCALE-Sim's meaning (index of the last cycle, stalls included); "Cycles"
// is the count (Total Cycles + 1). Fields are separated by ", " and every line ends with a comma,
// like SCALE-Sim's; floats print as Python does (shortest round-trip, "100.0").
#include <ostream>
#include <string>
#include <vector>

#include "sw/scalesim/config.hpp"
#include "sw/scalesim/cycles.hpp"

namespace proact {

void write_compute_report(std::ostream& out, const std::vector<LayerCycles>& layers, const ScaleSimConfig& config,
                          const TimingOptions& options);
// Writes <directory>/COMPUTE_REPORT.csv, creating the directory; returns the file's path.
std::string write_compute_report(const std::string& directory, const std::vector<LayerCycles>& layers,
                                 const ScaleSimConfig& config, const TimingOptions& options);

// A double as Python's repr prints it (shortest text that reads back the same, "100.0" not "100").
std::string python_float(double value);

}  // namespace proact
