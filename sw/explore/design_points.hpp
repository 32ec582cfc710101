#pragma once
// The design points `proact explore` evaluates: an array, a dataflow, a weight format, an ECC for
// the weight SRAM, its supply voltage and a protection (docs/codesign.md). Points come from the
// cross product of the axes or from a CSV file.
#include <string>
#include <vector>

#include "hw/config.hpp"

namespace proact {

struct DesignPoint {
  int rows = 32, cols = 32;
  Dataflow dataflow = Dataflow::ws;
  Format format = Format::fp32;
  EccScheme ecc = EccScheme::none;
  double volts = 1.0;                // the weight SRAM's supply
  std::string protection = "none";   // "none", a threshold file or NAME=FILE (as campaign --thresholds)
  std::string array() const;         // "16x16"
  std::string hardware() const;      // "16x16 ws fp32 ecc none": what sets the cycles
};

// The axes as the command line gives them.
struct DesignAxes {
  std::vector<std::string> arrays = {"32x32"};  // "RxC"
  std::vector<std::string> dataflows = {"ws"};
  std::vector<std::string> formats = {"fp32"};
  std::vector<std::string> ecc = {"none"};
  std::vector<double> voltages;
  std::vector<std::string> protections = {"none"};
};

// Every combination, arrays outermost, then dataflows, formats, ECC, protections, voltages.
// Throws std::invalid_argument naming the option and the bad item (an array not "RxC", a
// duplicate, an empty axis).
std::vector<DesignPoint> cross_product(const DesignAxes& axes);

// A CSV file with the header array,dataflow,format,ecc,volts,protection and one point per row.
// Errors name the file, the line and the field.
std::vector<DesignPoint> load_points(const std::string& path);

// `base` with the point's array, dataflow, format and ECC, its weight SRAM words as wide as the
// format's weights (int8 in 8-bit words, fp16 in 16-bit ones), validated; errors name the point.
AcceleratorConfig point_config(const AcceleratorConfig& base, const DesignPoint& point);

}  // namespace proact
