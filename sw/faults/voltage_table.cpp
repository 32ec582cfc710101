#include "sw/faults/voltage_table.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "models/io/json_file.hpp"

namespace proact {

VoltageTable::VoltageTable(std::string source, std::vector<VoltagePoint> points)
    : source_(std::move(source)), points_(std::move(points)) {
  if (points_.size() < 2) throw std::invalid_argument("a voltage table needs at least two points");
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const VoltagePoint& p = points_[i];
    const std::string where = "voltage table point " + std::to_string(i) + " (" + std::to_string(p.volts) + " V)";
    if (!(p.ber >= 0.0 && p.ber <= 1.0)) throw std::invalid_argument(where + ": BER must lie in [0, 1]");
    if (i == 0) continue;
    if (!(p.volts > points_[i - 1].volts)) throw std::invalid_argument(where + ": voltages must increase strictly");
    if (p.ber > points_[i - 1].ber)
      throw std::invalid_argument(where + ": BER must not grow with voltage (nested maps need a monotone table)");
  }
}

VoltageTable VoltageTable::builtin() {
  // Measured: 0.50 V and 0.55 V. Above: 2.3e-3 * 10^(-16.628 (V - 0.55)), the exponential tail
  // through the two measurements (16.628 decades per volt).
  return VoltageTable(
      "Sun et al., Low-VDD Operation of SRAM Synaptic Array for Implementing Ternary Neural Network, IEEE TVLSI "
      "25(10):2962-2965, 2017 (65 nm; 0.50 V and 0.55 V measured, higher voltages extrapolated)",
      {{0.50, 1.56e-2, true}, {0.55, 2.3e-3, true}, {0.60, 3.39e-4, false}, {0.65, 5.0e-5, false},
       {0.70, 7.37e-6, false}, {0.75, 1.09e-6, false}, {0.80, 1.6e-7, false}, {0.85, 2.36e-8, false},
       {0.90, 3.48e-9, false}, {0.95, 5.14e-10, false}, {1.00, 7.57e-11, false}});
}

double VoltageTable::ber_at(double volts) const {
  const VoltagePoint& low = points_.front();
  const VoltagePoint& high = points_.back();
  if (!(volts >= low.volts - 1e-12 && volts <= high.volts + 1e-12)) {
    throw std::invalid_argument("supply voltage " + std::to_string(volts) + " V is outside the voltage table (" +
                                std::to_string(low.volts) + " .. " + std::to_string(high.volts) + " V)");
  }
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const VoltagePoint& a = points_[i - 1];
    const VoltagePoint& b = points_[i];
    if (volts > b.volts + 1e-12) continue;
    if (std::abs(volts - a.volts) <= 1e-12) return a.ber;
    if (std::abs(volts - b.volts) <= 1e-12) return b.ber;
    const double t = (volts - a.volts) / (b.volts - a.volts);
    if (a.ber > 0.0 && b.ber > 0.0) return std::exp(std::log(a.ber) + t * (std::log(b.ber) - std::log(a.ber)));
    return a.ber + t * (b.ber - a.ber);
  }
  return high.ber;
}

nlohmann::json voltage_table_to_json(const VoltageTable& table) {
  nlohmann::json points = nlohmann::json::array();
  for (const VoltagePoint& p : table.points())
    points.push_back({{"volts", p.volts}, {"ber", p.ber}, {"measured", p.measured}});
  return {{"source", table.source()}, {"points", points}};
}

VoltageTable voltage_table_from_json(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("points") || !json.at("points").is_array())
    throw std::invalid_argument("a voltage table is an object {\"source\": ..., \"points\": [{\"volts\", \"ber\"}, ...]}");
  std::vector<VoltagePoint> points;
  for (std::size_t i = 0; i < json.at("points").size(); ++i) {
    const nlohmann::json& p = json.at("points")[i];
    const std::string where = "points[" + std::to_string(i) + "]";
    if (!p.is_object() || !p.contains("volts") || !p.contains("ber") || !p.at("volts").is_number() ||
        !p.at("ber").is_number())
      throw std::invalid_argument(where + ": expected {\"volts\": number, \"ber\": number[, \"measured\": bool]}");
    points.push_back({p.at("volts").get<double>(), p.at("ber").get<double>(), p.value("measured", true)});
  }
  return VoltageTable(json.value("source", std::string("user table")), std::move(points));
}

VoltageTable load_voltage_table(const std::string& path) {
  return parse_json_file(path, "voltage table", voltage_table_from_json);
}

}  // namespace proact
