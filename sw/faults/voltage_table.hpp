#pragma once
// SRAM supply voltage -> bit error rate, for the `voltage` fault model (docs/faults.md).
// The built-in table holds the measurements of Sun et al., "Low-VDD Operation of SRAM Synaptic
// Array for Implementing Ternary Neural Network", IEEE TVLSI 25(10):2962-2965, 2017 (65 nm SRAM
// chips: bit error rate ~0.23 % at 0.55 V and ~1.56 % at 0.50 V, nominal 1.0 V), extended to
// 1.0 V by the exponential tail through those two points (those rows are marked not measured).
// A user table is JSON: {"source": "...", "points": [{"volts": 0.5, "ber": 0.0156, "measured": true}, ...]}.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace proact {

struct VoltagePoint {
  double volts = 0, ber = 0;
  bool measured = true;  // false: derived (extrapolated), not a measurement
};

class VoltageTable {
 public:
  // Throws std::invalid_argument unless there are >= 2 points with strictly increasing voltages,
  // BER in [0, 1] and not increasing with voltage (so maps can nest).
  VoltageTable(std::string source, std::vector<VoltagePoint> points);
  static VoltageTable builtin();

  // Interpolated log-linearly in BER between neighbouring points (linearly where one is 0);
  // throws std::invalid_argument naming the table's range for a voltage outside it.
  double ber_at(double volts) const;
  const std::string& source() const { return source_; }
  const std::vector<VoltagePoint>& points() const { return points_; }

 private:
  std::string source_;
  std::vector<VoltagePoint> points_;  // increasing voltage
};

nlohmann::json voltage_table_to_json(const VoltageTable& table);
VoltageTable voltage_table_from_json(const nlohmann::json& json);  // errors name the entry
VoltageTable load_voltage_table(const std::string& path);          // errors name the file

}  // namespace proact
