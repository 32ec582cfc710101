#pragma once
// The fault models of a campaign (docs/faults.md): what the user chooses. A model's families
// (sw/faults/fault_family.hpp) turn (rate, seed) into the faults both engines apply identically:
//   proact-paper  flips in the stored words of every conv/dense weight and bias (Q15.16) and of
//                 every neuron-wise threshold tensor: per tensor exactly floor(numel * 32 * BER)
//                 distinct (element, bit) positions, uniform (docs/design.md section 4);
//   bernoulli     every cell of the weight SRAM (and its ECC check cells) is faulty with
//                 probability BER, independently;
//   stuck-at      the same, with stuck-at cells (mixed polarity unless one is chosen);
//   burst         a codeword is hit with probability min(1, BER * n / L) by L adjacent upset cells
//                 (n cells per codeword, start uniform), so about a fraction BER of cells is hit;
//   column / row  every physical column (bit line) / row (word line) of the SRAM is faulty with
//                 probability BER, and then all its cells are, with one behaviour per line;
//   voltage       the rate is a supply voltage; the BER comes from a voltage table, then as bernoulli;
//   transient     the rate is the probability that a read delivers a bit flipped, per bit and per
//                 read of the weight SRAM (SystemC engine only).
// Every model but transient nests its maps across rates (sw/faults/nested_sampling.hpp): a map's
// faults at a rate are a subset of the same map's faults at every higher rate (a cell, line or
// codeword keeps its behaviour), so rates compare with common random numbers; voltage nests the
// same way across voltages, a cell faulty at V being faulty at every lower voltage.
// With threshold faults on, the physical models fault the CSR threshold registers and table too.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hw/faults/protected_sram.hpp"
#include "sw/faults/voltage_table.hpp"

namespace proact {

enum class FaultModelKind { proact_paper, bernoulli, stuck_at, burst, column, row, voltage, transient };
// "proact-paper", "bernoulli", "stuck-at", "burst", "column", "row", "voltage", "transient".
FaultModelKind parse_fault_model_kind(const std::string& name);
std::string fault_model_kind_name(FaultModelKind kind);
std::vector<std::string> fault_model_names();

// What every faulty cell of a physical model does: one FaultKind, or (unset) stuck at 0 or 1 at
// random per cell. Spelled as a FaultKind ("flip", "stuck-at-0", "stuck-at-1") or "stuck-at".
inline constexpr const char* kEitherStuckAt = "stuck-at";
std::optional<FaultKind> parse_cell_kind(const std::string& name);
std::string cell_kind_name(const std::optional<FaultKind>& kind);

struct FaultModel {
  FaultModelKind kind = FaultModelKind::proact_paper;
  std::optional<FaultKind> cell_kind = FaultKind::flip;  // physical models (stuck-at: never flip)
  int burst_length = 2;                           // burst: adjacent cells per upset, 2..codeword bits
  int row_words = 32;                             // column/row: memory words per physical SRAM row
  VoltageTable voltages = VoltageTable::builtin();
  bool threshold_faults = false;                  // physical models: CSR threshold registers and table too

  // A model with its default cell kind (stuck-at: either stuck-at, others: flip).
  static FaultModel named(const std::string& name);
  std::string name() const { return fault_model_kind_name(kind); }
  // Faults SRAM cells (every model but proact-paper's stored words and transient read upsets).
  bool physical() const { return kind != FaultModelKind::proact_paper && kind != FaultModelKind::transient; }
  // Its maps nest across rates (every model whose faults are drawn before the run: all but transient).
  bool nested() const { return kind != FaultModelKind::transient; }
  // The bit error rate a rate stands for (voltage: the table's, others: the rate itself); throws
  // std::invalid_argument for a rate outside the model's range, naming it.
  double ber(double rate) const;
  std::string rate_label() const;  // axis label: "bit error rate", "SRAM supply voltage (V)", ...
  // Throws std::invalid_argument naming the field (cell kind of stuck-at, burst length, row words).
  void validate() const;
  nlohmann::json to_json() const;
};

// The seed of map `map` at `rate`: a pure function of its arguments (never of the process or
// shard that draws it). Nested models ignore the rate: map m is one map seen at every rate.
std::uint64_t map_seed(std::uint64_t campaign_seed, const FaultModel& model, double rate, std::size_t map);

// proact-paper: one flip of bit `bit` of element `element` of tensor `tensor`.
struct StoredFlip {
  std::size_t tensor = 0, element = 0;
  int bit = 0;
  bool operator==(const StoredFlip& o) const { return tensor == o.tensor && element == o.element && bit == o.bit; }
};
// floor(numel * 32 * ber) distinct uniform (element, bit) positions of 32-bit words in every tensor
// of `numels`: tensor t's are the first ones of a random permutation of its positions drawn from
// stream t of `seed` (so they nest across BERs), in increasing order within a tensor.
std::vector<StoredFlip> paper_flips(const std::vector<std::size_t>& numels, double ber, std::uint64_t seed);

// A memory's cells as the physical models see them: `words` words of `word_bits` bits under `ecc`.
struct MemoryShape {
  std::uint64_t words = 0;
  int word_bits = 32;
  EccScheme ecc = EccScheme::none;
};
// The faulty cells of one map of a physical model at `rate` (throws std::logic_error for
// proact-paper and transient, std::invalid_argument for a geometry the model cannot use).
SramFaults cell_faults(const FaultModel& model, double rate, const MemoryShape& memory, std::uint64_t seed);

}  // namespace proact
