#include "hw/energy/energy_model.hpp"

#include <bitset>
#include <sstream>
#include <stdexcept>

#include "hw/interface/register_map.hpp"

namespace proact {

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& other) {
  mac += other.mac;
  weight_sram += other.weight_sram;
  act_sram += other.act_sram;
  clip += other.clip;
  ecc += other.ecc;
  dram += other.dram;
  leakage += other.leakage;
  return *this;
}

EnergyBreakdown EnergyBreakdown::operator/(double divisor) const {
  return {mac / divisor, weight_sram / divisor, act_sram / divisor, clip / divisor,
          ecc / divisor, dram / divisor,        leakage / divisor};
}

EccGates ecc_gates(const EccCode& code) {
  EccGates gates;
  if (code.scheme() == EccScheme::none) return gates;
  // Column j of the (linear) code: the check bits data bit j feeds.
  std::vector<long> covered(static_cast<std::size_t>(code.check_bits()), 0);
  for (int j = 0; j < code.data_bits(); ++j) {
    const std::bitset<32> column(code.encode(std::uint64_t{1} << j));
    for (int c = 0; c < code.check_bits(); ++c) covered[static_cast<std::size_t>(c)] += column[static_cast<std::size_t>(c)];
  }
  for (long n : covered) {
    gates.encode += n - 1;  // a parity tree over n inputs
    gates.decode += n;      // the same tree, then XOR with the stored check bit: the syndrome
  }
  // Correction (SECDED: each data bit flips when the syndrome names it) or, for parity, zeroing
  // the word on an error: one gate per data bit and check bit.
  gates.decode += static_cast<long>(code.data_bits()) * code.check_bits();
  return gates;
}

namespace {

constexpr double kKib = 1024.0;
constexpr double kUm2PerMm2 = 1e6;

double bits_of(std::uint64_t bytes) { return 8.0 * static_cast<double>(bytes); }

}  // namespace

EnergyModel::EnergyModel(const EnergyTable& table, const AcceleratorConfig& config, double weight_sram_volts)
    : volts_(weight_sram_volts) {
  if (!(weight_sram_volts > 0) || weight_sram_volts > table.nominal_volts) {
    std::ostringstream message;
    message << "weight SRAM voltage " << weight_sram_volts << " V is outside (0, " << table.nominal_volts
            << "] V, up to the energy table's nominal voltage";
    throw std::invalid_argument(message.str());
  }
  const EccCode code(config.weight_sram_ecc, config.sram_word_bits);
  const double words_per_codeword = code.scheme() == EccScheme::none ? 1.0 : code.words_per_codeword();
  const double check_bits_per_word = code.scheme() == EccScheme::none ? 0.0 : code.check_bits() / words_per_codeword;
  const double weight_bits_per_word = config.sram_word_bits + check_bits_per_word;
  // The weight SRAM's cells, check cells included.
  const double weight_cells = bits_of(config.weight_sram_bytes) / config.sram_word_bits * weight_bits_per_word;
  const double act_cells = 2 * bits_of(config.act_sram_bytes);
  const double table_cells = 32.0 * config.threshold_table_words;
  const EccGates gates = ecc_gates(code);

  prices_.mac = table.mac_energy(config.weight_format).value;
  prices_.weight_word = table.sram_access_pj(static_cast<double>(config.weight_sram_bytes) / 2 / kKib, weight_bits_per_word) *
                        table.dynamic_scale(weight_sram_volts);
  prices_.ecc_encode_word = gates.encode / words_per_codeword * table.xor_gate_pj.value;
  prices_.ecc_decode_word = gates.decode / words_per_codeword * table.xor_gate_pj.value;
  prices_.act_word = table.sram_access_pj(static_cast<double>(config.act_sram_bytes) / kKib, 32);
  prices_.register_threshold = 32 * table.register_read_pj_per_bit.value;
  prices_.table_threshold = table.sram_access_pj(table_cells / 8 / kKib, 32);
  prices_.compare = table.comparator_pj.value;
  prices_.dram_word = 32 * table.dram_pj_per_bit.value;
  // nW x ns = 1e-18 J = 1e-6 pJ.
  const double leakage_nw = table.sram_leakage_nw_per_bit.value *
                            (weight_cells * table.leakage_scale(weight_sram_volts) + act_cells + table_cells);
  prices_.leakage_per_cycle = leakage_nw * config.clock_period_ns() * 1e-6;

  const double cell_um2 = table.sram_um2_per_bit.value;
  area_.weight_sram = weight_cells * cell_um2 / kUm2PerMm2;
  area_.act_sram = act_cells * cell_um2 / kUm2PerMm2;
  area_.thresholds = (table_cells * cell_um2 + 32.0 * kClipUnits * table.register_um2_per_bit.value) / kUm2PerMm2;
  area_.pe_array = static_cast<double>(config.array_rows) * config.array_cols *
                   table.mac_area(config.weight_format).value / kUm2PerMm2;
}

EnergyBreakdown EnergyModel::layer(const LayerReport& r, bool thresholds_in_table) const {
  const auto count = [](long n) { return static_cast<double>(n); };
  EnergyBreakdown e;
  e.mac = count(r.macs) * prices_.mac;
  e.weight_sram = 2 * count(r.weight_sram_words) * prices_.weight_word;  // stored, then read back
  e.ecc = count(r.weight_sram_words) * (prices_.ecc_encode_word + prices_.ecc_decode_word);
  e.act_sram = count(r.act_reads + r.act_writes) * prices_.act_word;
  e.clip = count(r.clip_compares) *
           ((thresholds_in_table ? prices_.table_threshold : prices_.register_threshold) + prices_.compare);
  e.dram = count(r.dram_reads + r.dram_writes) * prices_.dram_word;
  e.leakage = count(r.total_cycles) * prices_.leakage_per_cycle;
  return e;
}

}  // namespace proact
