#include "sw/faults/fault_models.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "models/names.hpp"
#include "models/random.hpp"
#include "sw/faults/nested_sampling.hpp"

namespace proact {

namespace {

const NameTable<FaultModelKind>& fault_model_kind_table() {
  static const NameTable<FaultModelKind> table(
      "fault model", {{FaultModelKind::proact_paper, "proact-paper"}, {FaultModelKind::bernoulli, "bernoulli"},
                      {FaultModelKind::stuck_at, "stuck-at"}, {FaultModelKind::burst, "burst"},
                      {FaultModelKind::column, "column"}, {FaultModelKind::row, "row"},
                      {FaultModelKind::voltage, "voltage"}, {FaultModelKind::transient, "transient"}});
  return table;
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Collects faulty cells of a memory under its code and sorts them into data and check maps.
class CellCollector {
 public:
  explicit CellCollector(const MemoryShape& memory)
      : code_(memory.ecc, memory.word_bits), words_(memory.words) {
    if (words_ % static_cast<std::uint64_t>(code_.words_per_codeword()) != 0) {
      throw std::invalid_argument("a memory of " + std::to_string(words_) + " words does not split into " +
                                  ecc_scheme_name(memory.ecc) + " codewords of " +
                                  std::to_string(code_.words_per_codeword()) + " words");
    }
  }
  const EccCode& code() const { return code_; }
  std::uint64_t codewords() const { return words_ / static_cast<std::uint64_t>(code_.words_per_codeword()); }
  std::uint64_t cells() const { return codewords() * static_cast<std::uint64_t>(code_.codeword_bits()); }

  // Cell `cell` = codeword cell / n, bit cell % n (data bits first, then check bits).
  void add(std::uint64_t cell, FaultKind kind) {
    const auto n = static_cast<std::uint64_t>(code_.codeword_bits());
    const std::uint64_t codeword = cell / n;
    const int bit = static_cast<int>(cell % n);
    if (bit < code_.data_bits()) {
      data_.push_back({codeword * static_cast<std::uint64_t>(code_.words_per_codeword()) +
                           static_cast<std::uint64_t>(bit / code_.word_bits()),
                       bit % code_.word_bits(), kind});
    } else {
      check_.push_back({codeword, bit - code_.data_bits(), kind});
    }
  }

  // The faults in increasing (address, bit) order, whatever order they were drawn in.
  SramFaults take() {
    const auto by_cell = [](const Fault& a, const Fault& b) {
      return a.address != b.address ? a.address < b.address : a.bit < b.bit;
    };
    std::sort(data_.begin(), data_.end(), by_cell);
    std::sort(check_.begin(), check_.end(), by_cell);
    SramFaults faults;
    faults.code = code_;
    faults.words = words_;
    faults.data = FaultMap(std::move(data_));
    faults.check = FaultMap(std::move(check_));
    return faults;
  }

 private:
  EccCode code_;
  std::uint64_t words_;
  std::vector<Fault> data_, check_;
};

// The kind of one faulty cell: `kind`, or stuck at 0 or 1 at random when unset.
FaultKind draw_kind(const std::optional<FaultKind>& kind, Rng& rng) {
  if (kind) return *kind;
  return (rng.next() >> 63) ? FaultKind::stuck_at_1 : FaultKind::stuck_at_0;
}

}  // namespace

FaultModelKind parse_fault_model_kind(const std::string& name) { return fault_model_kind_table().parse(name); }

std::string fault_model_kind_name(FaultModelKind kind) { return fault_model_kind_table().name(kind); }

std::vector<std::string> fault_model_names() { return fault_model_kind_table().names(); }

std::optional<FaultKind> parse_cell_kind(const std::string& name) {
  if (name == kEitherStuckAt) return std::nullopt;
  try {
    return parse_fault_kind(name);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("unknown fault kind '" + name + "' (expected one of flip, " + kEitherStuckAt +
                                ", stuck-at-0, stuck-at-1)");
  }
}

std::string cell_kind_name(const std::optional<FaultKind>& kind) { return kind ? fault_kind_name(*kind) : kEitherStuckAt; }

FaultModel FaultModel::named(const std::string& name) {
  FaultModel model;
  model.kind = parse_fault_model_kind(name);
  if (model.kind == FaultModelKind::stuck_at) model.cell_kind = std::nullopt;
  return model;
}

double FaultModel::ber(double rate) const {
  if (kind == FaultModelKind::voltage) return voltages.ber_at(rate);
  if (!(rate >= 0.0 && rate <= 1.0))
    throw std::invalid_argument("rate " + std::to_string(rate) + " of fault model " + name() + " must lie in [0, 1]");
  return rate;
}

std::string FaultModel::rate_label() const {
  switch (kind) {
    case FaultModelKind::voltage: return "SRAM supply voltage (V)";
    case FaultModelKind::transient: return "flip probability per bit read";
    case FaultModelKind::column: return "faulty column probability (= BER)";
    case FaultModelKind::row: return "faulty row probability (= BER)";
    default: return "bit error rate";
  }
}

void FaultModel::validate() const {
  if (kind == FaultModelKind::stuck_at && cell_kind == FaultKind::flip)
    throw std::invalid_argument("--fault-kind flip contradicts --fault-model stuck-at (use stuck-at, stuck-at-0 or stuck-at-1)");
  if (burst_length < 2 || burst_length > 72)
    throw std::invalid_argument("--burst-length = " + std::to_string(burst_length) + " is outside 2..72");
  if (row_words < 1 || row_words > 4096)
    throw std::invalid_argument("--row-words = " + std::to_string(row_words) + " is outside 1..4096");
}

nlohmann::json FaultModel::to_json() const {
  nlohmann::json j = {{"name", name()}, {"rate", rate_label()},
                      {"maps", nested() ? "nested across rates" : "drawn per rate"}};
  if (physical()) {
    j["cell_behaviour"] = cell_kind_name(cell_kind);
    j["threshold_faults"] = threshold_faults;
  }
  if (kind == FaultModelKind::burst) j["burst_length"] = burst_length;
  if (kind == FaultModelKind::column || kind == FaultModelKind::row) j["row_words"] = row_words;
  if (kind == FaultModelKind::voltage) j["voltage_table"] = voltage_table_to_json(voltages);
  return j;
}

std::uint64_t map_seed(std::uint64_t campaign_seed, const FaultModel& model, double rate, std::size_t map) {
  std::uint64_t seed = Rng::derive(campaign_seed, fnv1a(model.name()));
  if (!model.nested()) {
    std::uint64_t bits;
    std::memcpy(&bits, &rate, sizeof bits);
    seed = Rng::derive(seed, bits);
  }
  return Rng::derive(seed, map);
}

std::vector<StoredFlip> paper_flips(const std::vector<std::size_t>& numels, double ber, std::uint64_t seed) {
  std::vector<StoredFlip> flips;
  for (std::size_t t = 0; t < numels.size(); ++t) {
    const std::uint64_t positions = static_cast<std::uint64_t>(numels[t]) * 32u;
    // As the protocol states it (and as Python's int(numel * 32 * ber) computes it).
    const auto count = static_cast<std::uint64_t>(std::floor(static_cast<double>(numels[t]) * 32.0 * ber));
    if (count > positions)
      throw std::invalid_argument("BER " + std::to_string(ber) + " asks for more flips than a tensor has bits");
    for (std::uint64_t p : nested_prefix(positions, count, Rng::derive(seed, t)))
      flips.push_back({t, static_cast<std::size_t>(p / 32), static_cast<int>(p % 32)});
  }
  return flips;
}

SramFaults cell_faults(const FaultModel& model, double rate, const MemoryShape& memory, std::uint64_t seed) {
  if (!model.physical()) throw std::logic_error(model.name() + " does not fault SRAM cells");
  model.validate();
  CellCollector cells(memory);
  const EccCode& code = cells.code();
  const auto n = static_cast<std::uint64_t>(code.codeword_bits());
  const double p = model.ber(rate);
  const auto kind_of = [&](Rng& rng) { return draw_kind(model.cell_kind, rng); };
  switch (model.kind) {
    case FaultModelKind::bernoulli:
    case FaultModelKind::stuck_at:
    case FaultModelKind::voltage:
      for_each_nested(seed, cells.cells(), p, kind_of, [&](std::uint64_t c, FaultKind kind) { cells.add(c, kind); });
      break;
    case FaultModelKind::burst: {
      const auto length = static_cast<std::uint64_t>(model.burst_length);
      if (length > n) {
        throw std::invalid_argument("--burst-length " + std::to_string(length) + " exceeds the " + std::to_string(n) +
                                    " cells of a codeword");
      }
      struct Burst {
        std::uint64_t start;
        FaultKind kind;
      };
      const auto draw_burst = [&](Rng& rng) {
        const std::uint64_t start = rng.uniform_int(n - length + 1);
        return Burst{start, kind_of(rng)};
      };
      const double q = std::min(1.0, p * static_cast<double>(n) / static_cast<double>(length));
      for_each_nested(seed, cells.codewords(), q, draw_burst, [&](std::uint64_t w, const Burst& burst) {
        for (std::uint64_t b = 0; b < length; ++b) cells.add(w * n + burst.start + b, burst.kind);
      });
      break;
    }
    case FaultModelKind::column:
    case FaultModelKind::row: {
      const int per_codeword = code.words_per_codeword();
      if (model.row_words % per_codeword != 0) {
        throw std::invalid_argument("--row-words = " + std::to_string(model.row_words) + " must hold whole " +
                                    ecc_scheme_name(code.scheme()) + " codewords of " + std::to_string(per_codeword) +
                                    " words");
      }
      const auto row_codewords = static_cast<std::uint64_t>(model.row_words / per_codeword);
      const std::uint64_t rows = (cells.codewords() + row_codewords - 1) / row_codewords;
      const std::uint64_t row_cells = row_codewords * n;
      const auto add_cell = [&](std::uint64_t row, std::uint64_t column, FaultKind kind) {
        const std::uint64_t codeword = row * row_codewords + column / n;
        if (codeword < cells.codewords()) cells.add(codeword * n + column % n, kind);
      };
      if (model.kind == FaultModelKind::column) {
        for_each_nested(seed, row_cells, p, kind_of, [&](std::uint64_t column, FaultKind kind) {
          for (std::uint64_t r = 0; r < rows; ++r) add_cell(r, column, kind);
        });
      } else {
        for_each_nested(seed, rows, p, kind_of, [&](std::uint64_t row, FaultKind kind) {
          for (std::uint64_t c = 0; c < row_cells; ++c) add_cell(row, c, kind);
        });
      }
      break;
    }
    default: break;
  }
  return cells.take();
}

}  // namespace proact
