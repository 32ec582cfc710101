#include "hw/energy/energy_table.hpp"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "models/io/json_file.hpp"

namespace proact {

namespace {

const nlohmann::json& member(const nlohmann::json& object, const std::string& key, const std::string& path) {
  if (!object.is_object() || !object.contains(key)) throw std::invalid_argument(path + key + ": missing");
  return object.at(key);
}

double positive_number(const nlohmann::json& value, const std::string& where) {
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0) {
    throw std::invalid_argument(where + ": not a positive finite number (" + value.dump() + ")");
  }
  return value.get<double>();
}

std::string source_of(const nlohmann::json& entry, const std::string& where) {
  const nlohmann::json& source = member(entry, "source", where + ".");
  if (!source.is_string() || source.get<std::string>().empty()) {
    throw std::invalid_argument(where + ".source: every number names its source (a citation or a stated assumption)");
  }
  return source.get<std::string>();
}

PricedValue priced(const nlohmann::json& object, const std::string& key, const std::string& path = "") {
  const nlohmann::json& entry = member(object, key, path);
  const std::string where = path + key;
  return {positive_number(member(entry, "value", where + "."), where + ".value"), source_of(entry, where)};
}

// The weight formats an accelerator config may choose.
constexpr Format kWeightFormats[] = {Format::fp32, Format::fp16, Format::bf16, Format::int8, Format::q15_16};

std::map<Format, PricedValue> per_format(const nlohmann::json& json, const std::string& key) {
  std::map<Format, PricedValue> values;
  const nlohmann::json& object = member(json, key, "");
  for (Format format : kWeightFormats) values[format] = priced(object, format_name(format), key + ".");
  return values;
}

const PricedValue& of_format(const std::map<Format, PricedValue>& values, Format format, const char* what) {
  const auto it = values.find(format);
  if (it == values.end()) {
    throw std::invalid_argument(std::string("the energy table has no ") + what + " for weight format " +
                                format_name(format));
  }
  return it->second;
}

}  // namespace

const PricedValue& EnergyTable::mac_energy(Format format) const { return of_format(mac_pj, format, "MAC energy"); }
const PricedValue& EnergyTable::mac_area(Format format) const { return of_format(mac_um2, format, "MAC area"); }

double EnergyTable::sram_access_pj(double kib, double bits) const {
  // The segment holding kib, or the first / last one beyond the ends.
  std::size_t i = 1;
  while (i + 1 < sram_access.size() && kib > sram_access[i].kib) ++i;
  const SramAccessPoint& a = sram_access[i - 1];
  const SramAccessPoint& b = sram_access[i];
  const double slope = std::log(b.pj / a.pj) / std::log(b.kib / a.kib);
  return a.pj * std::pow(kib / a.kib, slope) * bits / 64.0;
}

double EnergyTable::dynamic_scale(double volts) const {
  const double ratio = volts / nominal_volts;
  return ratio * ratio;
}

double EnergyTable::leakage_scale(double volts) const {
  return volts / nominal_volts * std::exp(leakage_volts_exponent.value * (volts - nominal_volts));
}

EnergyTable energy_table_from_json(const nlohmann::json& json) {
  EnergyTable table;
  const nlohmann::json& name = member(json, "name", "");
  if (!name.is_string()) throw std::invalid_argument("name: not a string");
  table.name = name.get<std::string>();
  table.nominal_volts = positive_number(member(json, "nominal_volts", ""), "nominal_volts");
  table.mac_pj = per_format(json, "mac_pj");
  table.mac_um2 = per_format(json, "mac_um2");

  const std::string sram_key = "sram_access_pj_per_64_bits";
  const nlohmann::json& sram = member(json, sram_key, "");
  const nlohmann::json& points = member(sram, "points", sram_key + ".");
  if (!points.is_array() || points.size() < 2) {
    throw std::invalid_argument(sram_key + ".points: needs at least two {\"kib\", \"pj\"} points");
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string where = sram_key + ".points[" + std::to_string(i) + "]";
    const SramAccessPoint point{positive_number(member(points[i], "kib", where + "."), where + ".kib"),
                                positive_number(member(points[i], "pj", where + "."), where + ".pj")};
    if (!table.sram_access.empty() && point.kib <= table.sram_access.back().kib) {
      throw std::invalid_argument(where + ".kib: capacities must increase");
    }
    table.sram_access.push_back(point);
  }
  table.sram_access_source = source_of(sram, sram_key);

  table.register_read_pj_per_bit = priced(json, "register_read_pj_per_bit");
  table.register_um2_per_bit = priced(json, "register_um2_per_bit");
  table.comparator_pj = priced(json, "comparator_pj");
  table.xor_gate_pj = priced(json, "xor_gate_pj");
  table.dram_pj_per_bit = priced(json, "dram_pj_per_bit");
  table.sram_um2_per_bit = priced(json, "sram_um2_per_bit");
  table.sram_leakage_nw_per_bit = priced(json, "sram_leakage_nw_per_bit");
  table.leakage_volts_exponent = priced(json, "leakage_volts_exponent");
  return table;
}

EnergyTable load_energy_table(const std::string& path) {
  return parse_json_file(path, "energy table", energy_table_from_json);
}

EnergyTable builtin_energy_table() {
  static const EnergyTable table = energy_table_from_json(nlohmann::json::parse(builtin_energy_table_json()));
  return table;
}

}  // namespace proact
