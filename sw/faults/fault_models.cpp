#include "sw/faults/fault_models.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>

#include "models/names.hpp"
#include "models/random.hpp"

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

double uniform01(Rng& rng) { return static_cast<double>(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

// Calls visit(i) for every i in [0, count) chosen independently with probability p, in increasing
// order, drawing one geometric gap per chosen index.
template <typename Visit>
void for_each_bernoulli(Rng& rng, std::uint64_t count, double p, Visit&& visit) {
  if (p <= 0.0 || count == 0) return;
  if (p >= 1.0) {
    for (std::uint64_t i = 0; i < count; ++i) visit(i);
    return;
  }
  const double log_q = std::log1p(-p);
  std::uint64_t i = 0;
  while (true) {
    const double gap = std::floor(std::log(1.0 - uniform01(rng)) / log_q);
    if (gap >= static_cast<double>(count - i)) return;
    i += static_cast<std::uint64_t>(gap);
    visit(i);
    if (++i >= count) return;
  }
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

  SramFaults take() {
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
  nlohmann::json j = {{"name", name()}, {"rate", rate_label()}};
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
  if (model.kind != FaultModelKind::voltage) {
    std::uint64_t bits;
    std::memcpy(&bits, &rate, sizeof bits);
    seed = Rng::derive(seed, bits);
  }
  return Rng::derive(seed, map);
}

std::vector<StoredFlip> paper_flips(const std::vector<std::size_t>& numels, double ber, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<StoredFlip> flips;
  for (std::size_t t = 0; t < numels.size(); ++t) {
    const std::uint64_t positions = static_cast<std::uint64_t>(numels[t]) * 32u;
    // As the protocol states it (and as Python's int(numel * 32 * ber) computes it).
    const auto count = static_cast<std::uint64_t>(std::floor(static_cast<double>(numels[t]) * 32.0 * ber));
    if (count > positions)
      throw std::invalid_argument("BER " + std::to_string(ber) + " asks for more flips than a tensor has bits");
    // Floyd's sampling: `count` distinct positions, then in increasing order.
    std::unordered_set<std::uint64_t> chosen;
    std::vector<std::uint64_t> picked;
    for (std::uint64_t j = positions - count; j < positions; ++j) {
      const std::uint64_t r = rng.uniform_int(j + 1);
      const std::uint64_t take = chosen.count(r) ? j : r;
      chosen.insert(take);
      picked.push_back(take);
    }
    std::sort(picked.begin(), picked.end());
    for (std::uint64_t p : picked) flips.push_back({t, static_cast<std::size_t>(p / 32), static_cast<int>(p % 32)});
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
  Rng rng(seed);
  switch (model.kind) {
    case FaultModelKind::bernoulli:
    case FaultModelKind::stuck_at:
      for_each_bernoulli(rng, cells.cells(), p, [&](std::uint64_t c) { cells.add(c, draw_kind(model.cell_kind, rng)); });
      break;
    case FaultModelKind::burst: {
      const auto length = static_cast<std::uint64_t>(model.burst_length);
      if (length > n) {
        throw std::invalid_argument("--burst-length " + std::to_string(length) + " exceeds the " + std::to_string(n) +
                                    " cells of a codeword");
      }
      const double q = std::min(1.0, p * static_cast<double>(n) / static_cast<double>(length));
      for_each_bernoulli(rng, cells.codewords(), q, [&](std::uint64_t w) {
        const std::uint64_t start = rng.uniform_int(n - length + 1);
        const FaultKind kind = draw_kind(model.cell_kind, rng);
        for (std::uint64_t b = 0; b < length; ++b) cells.add(w * n + start + b, kind);
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
        for_each_bernoulli(rng, row_cells, p, [&](std::uint64_t column) {
          const FaultKind kind = draw_kind(model.cell_kind, rng);
          for (std::uint64_t r = 0; r < rows; ++r) add_cell(r, column, kind);
        });
      } else {
        for_each_bernoulli(rng, rows, p, [&](std::uint64_t row) {
          const FaultKind kind = draw_kind(model.cell_kind, rng);
          for (std::uint64_t c = 0; c < row_cells; ++c) add_cell(row, c, kind);
        });
      }
      break;
    }
    case FaultModelKind::voltage: {
      // Cells below the table's largest BER, each with its uniform number u in [0, max BER):
      // faulty at this voltage when u < BER(V). The draws never depend on the voltage.
      const double max_ber = model.voltages.max_ber();
      for_each_bernoulli(rng, cells.cells(), max_ber, [&](std::uint64_t c) {
        const double u = max_ber * uniform01(rng);
        const FaultKind kind = draw_kind(model.cell_kind, rng);
        if (u < p) cells.add(c, kind);
      });
      break;
    }
    default: break;
  }
  return cells.take();
}

}  // namespace proact
