#pragma once
// The prices of the accelerator's actions: energy per MAC, per SRAM, register and DRAM access, per
// clip comparison and ECC gate, leakage per bit cell, and the area of PEs and cells. A table is
// data (JSON) in which every number carries its public source; the shipped one is
// hw/energy/energy-45nm.json, built into the binary. Prices hold at `nominal_volts`; the
// weight SRAM's supply scales them by the laws below (hw/energy/energy_model.hpp applies them).
//
// JSON: {"name": ..., "nominal_volts": V,
//        "mac_pj" / "mac_um2": {<weight format>: {"value": x, "source": "..."}, ...},
//        "sram_access_pj_per_64_bits": {"points": [{"kib": c, "pj": e}, ...], "source": "..."},
//        "register_read_pj_per_bit", "register_um2_per_bit", "comparator_pj", "xor_gate_pj",
//        "dram_pj_per_bit", "sram_um2_per_bit", "sram_leakage_nw_per_bit", "leakage_volts_exponent":
//        {"value": x, "source": "..."}}
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/numeric/format.hpp"

namespace proact {

struct PricedValue {
  double value = 0;
  std::string source;  // where the number comes from (a citation or a stated assumption)
};

struct SramAccessPoint {
  double kib = 0;  // capacity
  double pj = 0;   // energy of one 64-bit access
};

struct EnergyTable {
  std::string name;
  double nominal_volts = 1.0;
  std::map<Format, PricedValue> mac_pj, mac_um2;  // one multiply-accumulate, by weight storage format
  std::vector<SramAccessPoint> sram_access;       // increasing capacity, at least two points
  std::string sram_access_source;
  PricedValue register_read_pj_per_bit, register_um2_per_bit, comparator_pj, xor_gate_pj, dram_pj_per_bit,
      sram_um2_per_bit, sram_leakage_nw_per_bit, leakage_volts_exponent;

  // The MAC of a weight format; throws std::invalid_argument naming a format the table lacks.
  const PricedValue& mac_energy(Format format) const;
  const PricedValue& mac_area(Format format) const;
  // One access moving `bits` bits of an SRAM of `kib` KiB at nominal voltage: the 64-bit energy
  // interpolated log-log between the points (the end segments' slopes extended beyond them),
  // times bits / 64.
  double sram_access_pj(double kib, double bits) const;
  // Dynamic energy at `volts` relative to nominal: (V / Vnom)^2.
  double dynamic_scale(double volts) const;
  // Leakage power at `volts` relative to nominal: (V / Vnom) exp(k (V - Vnom)), k = leakage_volts_exponent.
  double leakage_scale(double volts) const;
};

// Every entry is required; errors (std::invalid_argument) name the key and what is wrong with it
// (missing, not a positive finite number, no source, points not increasing).
EnergyTable energy_table_from_json(const nlohmann::json& json);
EnergyTable load_energy_table(const std::string& path);  // errors name the file
EnergyTable builtin_energy_table();
const std::string& builtin_energy_table_json();  // the text of hw/energy/energy-45nm.json

}  // namespace proact
