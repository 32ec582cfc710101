#include "sw/scalesim/compute_report.hpp"

#include <array>
#include <charconv>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "models/io/output_file.hpp"

namespace proact {

std::string python_float(double value) {
  std::array<char, 64> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), result.ptr);
  if (text.find_first_of(".eni") == std::string::npos) text += ".0";
  return text;
}

void write_compute_report(std::ostream& out, const std::vector<LayerCycles>& layers, const ScaleSimConfig& config,
                          const TimingOptions& options) {
  out << "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %, "
         "Layer Name, M, N, K, MACs, Folds, Compute Cycles, Cycles, Dataflow, Array, Timing,\n";
  const std::string array = std::to_string(config.array_rows) + "x" + std::to_string(config.array_cols);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerCycles& l = layers[i];
    out << i << ", " << l.scalesim_total_cycles() << ", " << l.stall_cycles << ", "
        << python_float(l.utilization.overall_percent) << ", " << python_float(l.utilization.mapping_efficiency_percent)
        << ", " << python_float(l.utilization.compute_percent) << ", " << l.name << ", " << l.shape.m << ", "
        << l.shape.n << ", " << l.shape.k << ", " << l.shape.macs() << ", " << l.folds << ", " << l.compute_cycles
        << ", " << l.cycles() << ", " << dataflow_name(config.dataflow) << ", " << array << ", " << options.describe()
        << ",\n";
  }
}

std::string write_compute_report(const std::string& directory, const std::vector<LayerCycles>& layers,
                                 const ScaleSimConfig& config, const TimingOptions& options) {
  const std::string path = (std::filesystem::path(directory) / "COMPUTE_REPORT.csv").string();
  std::ostringstream report;
  write_compute_report(report, layers, config, options);
  write_file_atomically(path, report.str());
  return path;
}

}  // namespace proact
