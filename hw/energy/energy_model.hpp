#pragma once
// Energy and area of one design point (an accelerator config, its weight SRAM at a supply
// voltage) priced by an energy table from the timing model's per-layer counts: the LayerReport
// of hw/control/layer_timing.hpp, whose sums are the SystemC model's performance counters, so
// what the timing model says and what the energy model charges cannot disagree.
//
// What each count costs (docs/energy.md):
// - MACs: the MAC of the weight format;
// - weight SRAM: every weight word stored into it and read back to the array, one access each, at
//   the capacity of one of its two (double-buffered) halves, moving the word and its share of the
//   ECC check cells; dynamic energy times (V / Vnom)^2. The ECC encoder runs on every write and the
//   decoder on every read (parity trees and correction, counted gate by gate from the code);
// - activation SRAM: every word read or written, at one bank's capacity;
// - clip: every clipped output reads its threshold (a CLIP_THRESHOLD register, or a THRESHOLD_TABLE
//   word for a neuron-wise unit) and compares once;
// - DRAM: every 32-bit word moved;
// - leakage: every cycle, every SRAM bit cell (weight SRAM with its check cells at its voltage,
//   the activation banks and the threshold table at nominal).
// The PE array's registers and wires, the controller and the DRAM's background power are not priced.
#include "hw/config.hpp"
#include "hw/control/layer_timing.hpp"
#include "hw/energy/energy_table.hpp"

namespace proact {

struct EnergyBreakdown {  // pJ
  double mac = 0, weight_sram = 0, act_sram = 0, clip = 0, ecc = 0, dram = 0, leakage = 0;
  double sram() const { return weight_sram + act_sram + clip + ecc; }  // on-chip memories and their logic
  double total() const { return mac + sram() + dram + leakage; }
  EnergyBreakdown& operator+=(const EnergyBreakdown& other);
  EnergyBreakdown operator/(double divisor) const;
};

struct AreaBreakdown {  // mm^2
  double weight_sram = 0, act_sram = 0, thresholds = 0, pe_array = 0;  // thresholds: table cells and registers
  double total() const { return weight_sram + act_sram + thresholds + pe_array; }
};

// The price of each action at the design point, in pJ.
struct EnergyPrices {
  double mac = 0;
  double weight_word = 0;         // one weight-SRAM word access (write or read), with its check cells' share
  double ecc_encode_word = 0;     // per weight word written
  double ecc_decode_word = 0;     // per weight word read
  double act_word = 0;            // one activation-SRAM word access
  double register_threshold = 0;  // reading a CLIP_THRESHOLD register
  double table_threshold = 0;     // reading a THRESHOLD_TABLE word
  double compare = 0;
  double dram_word = 0;
  double leakage_per_cycle = 0;
};

class EnergyModel {
 public:
  // Throws std::invalid_argument unless weight_sram_volts is positive and at most the table's
  // nominal voltage, or when the table lacks the config's weight format.
  EnergyModel(const EnergyTable& table, const AcceleratorConfig& config, double weight_sram_volts);

  // `thresholds_in_table`: the layer's clip unit is neuron-wise (reads THRESHOLD_TABLE words).
  EnergyBreakdown layer(const LayerReport& report, bool thresholds_in_table) const;
  const EnergyPrices& prices() const { return prices_; }
  const AreaBreakdown& area() const { return area_; }
  double weight_sram_volts() const { return volts_; }

 private:
  double volts_;
  EnergyPrices prices_;
  AreaBreakdown area_;
};

// XOR/AND gates of an ECC's encoder (parity trees) and decoder (trees, syndrome, correction) per
// codeword; 0 for none.
struct EccGates {
  long encode = 0, decode = 0;
};
EccGates ecc_gates(const EccCode& code);

}  // namespace proact
