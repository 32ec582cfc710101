// Fault models of a campaign (sw/campaign/): ECC codes and the ECC fault-hook decorator, the
// counts and distributions of every model, maps nested across rates, and seeds that do not depend on
// how maps are sharded.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "hw/memory/sram.hpp"
#include "hw/faults/ecc.hpp"
#include "sw/faults/fault_models.hpp"
#include "sw/faults/nested_sampling.hpp"
#include "hw/faults/protected_sram.hpp"
#include "hw/faults/transient_hook.hpp"
#include "sw/faults/voltage_table.hpp"

using namespace proact;
using Catch::Matchers::Contains;

namespace {

std::set<std::pair<std::uint64_t, int>> cells_of(const FaultMap& map) {
  std::set<std::pair<std::uint64_t, int>> cells;
  for (const Fault& f : map.faults()) cells.insert({f.address, f.bit});
  return cells;
}

// Decodes `data` stored under `code` with the codeword cells in `flips` (data bits first, then check bits) inverted.
EccDecode decode_with_flips(const EccCode& code, std::uint64_t data, const std::vector<int>& flips) {
  std::uint64_t cells = data;
  std::uint32_t check = code.encode(data);
  for (int b : flips) {
    if (b < code.data_bits()) cells ^= 1ull << b;
    else check ^= 1u << (b - code.data_bits());
  }
  return code.decode(cells, check);
}

}  // namespace

TEST_CASE("campaign ECC: SECDED codes correct every single error and detect every double error", "[campaign][ecc]") {
  const EccScheme scheme = GENERATE(EccScheme::secded_39_32, EccScheme::secded_72_64);
  const EccCode code(scheme, 32);
  INFO(ecc_scheme_name(scheme));
  CHECK(code.codeword_bits() == (scheme == EccScheme::secded_39_32 ? 39 : 72));
  CHECK(code.words_per_codeword() == (scheme == EccScheme::secded_39_32 ? 1 : 2));
  const std::uint64_t data = scheme == EccScheme::secded_39_32 ? 0x89abcdefull : 0x0123456789abcdefull;
  const EccDecode clean = decode_with_flips(code, data, {});
  CHECK(clean.outcome == EccOutcome::clean);
  CHECK(clean.data == data);
  for (int a = 0; a < code.codeword_bits(); ++a) {
    const EccDecode one = decode_with_flips(code, data, {a});
    INFO("error in cell " << a);
    CHECK(one.outcome == EccOutcome::corrected);
    CHECK(one.data == data);
    for (int b = a + 1; b < code.codeword_bits(); ++b) {
      const EccDecode two = decode_with_flips(code, data, {a, b});
      CHECK(two.outcome == EccOutcome::detected);
      CHECK(two.data == 0);
    }
  }
  // Three errors are beyond the code: the decoder miscorrects or detects, never restores the data.
  const EccDecode three = decode_with_flips(code, data, {0, 1, 2});
  CHECK(three.data != data);
}

TEST_CASE("campaign ECC: check bits by hand and parity and codes that do not fit the word width", "[campaign][ecc]") {
  const EccCode secded(EccScheme::secded_39_32, 32);
  CHECK(secded.encode(0) == 0u);
  // Data bit 0 sits at Hamming position 3 (binary 11): check bits 0 and 1, and the overall parity (bit 6).
  CHECK(secded.encode(1) == 0x43u);
  // Data bit 1 at position 5 (101): check bits 0 and 2, overall parity.
  CHECK(secded.encode(2) == 0x45u);

  const EccCode parity(EccScheme::parity, 32);
  CHECK(parity.codeword_bits() == 33);
  CHECK(decode_with_flips(parity, 0xf0f0, {7}).outcome == EccOutcome::detected);
  CHECK(decode_with_flips(parity, 0xf0f0, {32}).outcome == EccOutcome::detected);
  const EccDecode two = decode_with_flips(parity, 0xf0f0, {3, 9});
  CHECK(two.outcome == EccOutcome::clean);
  CHECK(two.data == (0xf0f0u ^ 0x208u));

  CHECK(EccCode(EccScheme::secded_39_32, 8).words_per_codeword() == 4);
  CHECK_THROWS_WITH(EccCode(EccScheme::secded_72_64, 24), Contains("24-bit"));
  CHECK_THROWS_WITH(parse_ecc_scheme("hamming"), Contains("secded-72-64"));
}

TEST_CASE("campaign ECC: the decorator corrects and detects and counts silent errors on a word memory", "[campaign][ecc]") {
  SECTION("SECDED (72,64): one codeword spans two words") {
    SramFaults faults{EccCode(EccScheme::secded_72_64, 32), 16,
                      FaultMap({{2, 5, FaultKind::flip}, {4, 0, FaultKind::flip}, {5, 31, FaultKind::stuck_at_1}}),
                      FaultMap({{3, 7, FaultKind::flip}})};
    auto hook = std::make_shared<ProtectedMemoryHook>(faults);
    CHECK(hook->faulty_codeword_count() == 3);
    WordMemory memory("m", 16, 32);
    memory.set_fault_hook(hook);
    for (std::uint64_t a = 0; a < 16; ++a) memory.store(a, 0x1000u + static_cast<std::uint32_t>(a));
    // Codeword 1 (words 2, 3): one flipped data bit, corrected on both reads.
    CHECK(memory.read(2) == 0x1002u);
    CHECK(memory.read(3) == 0x1003u);
    // Codeword 2 (words 4, 5): a flip and a stuck-at-1 that disagrees with the data: two errors, detected.
    CHECK(memory.read(4) == 0u);
    CHECK(memory.read(5) == 0u);
    // Codeword 3: an error in a check bit only, corrected.
    CHECK(memory.read(6) == 0x1006u);
    CHECK(memory.read(0) == 0x1000u);  // no faulty cell: not counted
    CHECK(hook->counts() == EccCounts{3, 2, 0});
  }
  SECTION("no ECC: a faulty cell delivers a wrong word silently, as the plain fault map does") {
    const FaultMap cells({{1, 3, FaultKind::flip}, {2, 0, FaultKind::stuck_at_0}});
    auto hook = std::make_shared<ProtectedMemoryHook>(SramFaults{EccCode(EccScheme::none, 32), 8, cells, {}});
    auto plain = std::make_shared<FaultMap>(cells);
    WordMemory a("a", 8, 32), b("b", 8, 32);
    a.set_fault_hook(hook);
    b.set_fault_hook(plain);
    for (std::uint64_t i = 0; i < 8; ++i) {
      a.store(i, 0x31u * static_cast<std::uint32_t>(i + 1));
      b.store(i, 0x31u * static_cast<std::uint32_t>(i + 1));
    }
    for (std::uint64_t i = 0; i < 8; ++i) CHECK(a.read(i) == b.read(i));
    CHECK(hook->counts() == EccCounts{0, 0, 2});
  }
  SECTION("storing the first word of a codeword starts a new one: no stale data from earlier stores") {
    SramFaults faults{EccCode(EccScheme::secded_72_64, 32), 4, FaultMap({{0, 1, FaultKind::stuck_at_1}}), {}};
    auto hook = std::make_shared<ProtectedMemoryHook>(faults);
    WordMemory memory("m", 4, 32);
    memory.set_fault_hook(hook);
    memory.store(1, 0xdeadbeefu);
    memory.store(0, 0u);  // codeword 0 restarts: word 1 reads 0 until stored again
    CHECK(memory.read(1) == 0u);
    CHECK(memory.read(0) == 0u);  // the stuck bit is corrected
  }
  SECTION("parity zeroes the word it flags") {
    SramFaults faults{EccCode(EccScheme::parity, 16), 4, FaultMap({{1, 15, FaultKind::flip}}), {}};
    auto hook = std::make_shared<ProtectedMemoryHook>(faults);
    WordMemory memory("m", 4, 16);
    memory.set_fault_hook(hook);
    memory.store(1, 0x1234u);
    CHECK(memory.read(1) == 0u);
    CHECK(hook->counts() == EccCounts{0, 1, 0});
  }
}

TEST_CASE("campaign models: proact-paper flips exactly floor(numel * 32 * BER) distinct bits per tensor", "[campaign][models]") {
  const std::vector<std::size_t> numels = {150, 6, 2400, 16, 48000, 120, 10080, 84, 840, 10};
  const double ber = GENERATE(1e-7, 1e-6, 3e-5, 1e-4);
  const std::vector<StoredFlip> flips = paper_flips(numels, ber, 42);
  std::vector<std::size_t> per_tensor(numels.size(), 0);
  std::set<std::tuple<std::size_t, std::size_t, int>> distinct;
  for (const StoredFlip& f : flips) {
    REQUIRE(f.tensor < numels.size());
    CHECK(f.element < numels[f.tensor]);
    CHECK((f.bit >= 0 && f.bit < 32));
    ++per_tensor[f.tensor];
    distinct.insert({f.tensor, f.element, f.bit});
  }
  CHECK(distinct.size() == flips.size());
  for (std::size_t t = 0; t < numels.size(); ++t) {
    INFO("tensor " << t << " of " << numels[t] << " elements at BER " << ber);
    CHECK(per_tensor[t] == static_cast<std::size_t>(std::floor(static_cast<double>(numels[t]) * 32.0 * ber)));
  }
  CHECK(paper_flips(numels, ber, 42) == flips);
  if (!flips.empty()) CHECK(paper_flips(numels, ber, 43) != flips);
  // Uniform over bits: at a high rate every bit position is hit about equally often.
  const std::vector<StoredFlip> many = paper_flips({100000}, 0.01, 7);
  std::vector<int> hits(32, 0);
  for (const StoredFlip& f : many) ++hits[f.bit];
  for (int b = 0; b < 32; ++b) CHECK(std::abs(hits[b] - 1000) < 5 * std::sqrt(1000.0));
}

TEST_CASE("campaign models: bernoulli and stuck-at have binomial counts over every cell including check cells", "[campaign][models]") {
  const MemoryShape memory{4096, 32, GENERATE(EccScheme::none, EccScheme::secded_39_32)};
  const double ber = 1e-3;
  const double cells = memory.ecc == EccScheme::none ? 4096.0 * 32 : 4096.0 * 39;
  FaultModel bernoulli = FaultModel::named("bernoulli");
  FaultModel stuck = FaultModel::named("stuck-at");
  double total = 0, check_cells = 0;
  std::size_t stuck_1 = 0, stuck_all = 0;
  const int maps = 200;
  for (int m = 0; m < maps; ++m) {
    const SramFaults f = cell_faults(bernoulli, ber, memory, map_seed(5, bernoulli, ber, m));
    for (const Fault& x : f.data.faults()) CHECK(x.kind == FaultKind::flip);
    total += static_cast<double>(f.size());
    check_cells += static_cast<double>(f.check.faults().size());
    const SramFaults s = cell_faults(stuck, ber, memory, map_seed(5, stuck, ber, m));
    for (const Fault& x : s.data.faults()) {
      CHECK(x.kind != FaultKind::flip);
      stuck_1 += x.kind == FaultKind::stuck_at_1;
      ++stuck_all;
    }
  }
  const double mean = cells * ber, sd = std::sqrt(cells * ber * (1 - ber) / maps);
  CHECK(std::abs(total / maps - mean) < 5 * sd);
  if (memory.ecc == EccScheme::secded_39_32) CHECK(check_cells / maps == Approx(4096.0 * 7 * ber).epsilon(0.15));
  CHECK(std::abs(static_cast<double>(stuck_1) - stuck_all / 2.0) < 5 * std::sqrt(stuck_all / 4.0));
  stuck.cell_kind = FaultKind::stuck_at_0;
  const SramFaults zeros = cell_faults(stuck, ber, memory, 1);
  for (const Fault& x : zeros.data.faults()) CHECK(x.kind == FaultKind::stuck_at_0);
  stuck.cell_kind = FaultKind::flip;
  CHECK_THROWS_WITH(cell_faults(stuck, ber, memory, 1), Contains("contradicts"));
}

TEST_CASE("campaign models: burst upsets adjacent cells of the given length inside one codeword", "[campaign][models]") {
  FaultModel burst = FaultModel::named("burst");
  burst.burst_length = GENERATE(2, 4);
  const MemoryShape memory{8192, 32, EccScheme::none};
  const SramFaults f = cell_faults(burst, 1e-3, memory, 11);
  std::map<std::uint64_t, std::vector<int>> by_word;
  for (const Fault& x : f.data.faults()) by_word[x.address].push_back(x.bit);
  REQUIRE(!by_word.empty());
  for (auto& [address, bits] : by_word) {
    std::sort(bits.begin(), bits.end());
    INFO("word " << address);
    CHECK(static_cast<int>(bits.size()) == burst.burst_length);
    CHECK(bits.back() - bits.front() == burst.burst_length - 1);
  }
  // About a fraction BER of the cells is upset.
  CHECK(static_cast<double>(f.size()) == Approx(8192.0 * 32 * 1e-3).epsilon(0.3));
  burst.burst_length = 40;
  CHECK_THROWS_WITH(cell_faults(burst, 1e-3, memory, 1), Contains("exceeds"));
}

TEST_CASE("campaign models: column and row faults hit whole lines of the SRAM geometry", "[campaign][models]") {
  const MemoryShape memory{4096, 32, EccScheme::none};  // 32 words per row: 128 rows of 1024 cells
  FaultModel column = FaultModel::named("column");
  const SramFaults c = cell_faults(column, 0.01, memory, 3);
  std::set<std::pair<std::uint64_t, int>> columns;
  for (const Fault& f : c.data.faults()) columns.insert({f.address % 32, f.bit});
  REQUIRE(!columns.empty());
  CHECK(c.size() == columns.size() * 128);  // every row of every faulty column

  FaultModel row = FaultModel::named("row");
  const SramFaults r = cell_faults(row, 0.05, memory, 3);
  std::set<std::uint64_t> rows;
  for (const Fault& f : r.data.faults()) rows.insert(f.address / 32);
  REQUIRE(!rows.empty());
  CHECK(r.size() == rows.size() * 1024);

  row.row_words = 3;
  CHECK_THROWS_WITH(cell_faults(row, 0.05, {4096, 32, EccScheme::secded_72_64}, 3), Contains("whole"));
}

TEST_CASE("campaign models: voltage maps nest so a cell faulty at V is faulty at every lower voltage", "[campaign][models]") {
  const FaultModel voltage = FaultModel::named("voltage");
  const VoltageTable& table = voltage.voltages;
  CHECK(table.ber_at(0.55) == 2.3e-3);
  CHECK(table.ber_at(0.525) == Approx(std::sqrt(2.3e-3 * 1.56e-2)));
  CHECK_THROWS_WITH(table.ber_at(0.45), Contains("outside the voltage table"));
  const MemoryShape memory{16384, 32, EccScheme::none};
  for (std::size_t m = 0; m < 3; ++m) {
    std::set<std::pair<std::uint64_t, int>> previous;
    for (double v : {0.70, 0.65, 0.60, 0.55, 0.50}) {
      const SramFaults f = cell_faults(voltage, v, memory, map_seed(9, voltage, v, m));
      const auto cells = cells_of(f.data);
      INFO("map " << m << " at " << v << " V");
      CHECK(std::includes(cells.begin(), cells.end(), previous.begin(), previous.end()));
      const double expected = 16384.0 * 32 * table.ber_at(v);
      CHECK(std::abs(static_cast<double>(cells.size()) - expected) < 5 * std::sqrt(expected) + 2);
      previous = cells;
    }
  }
  CHECK_THROWS_WITH(VoltageTable("x", {{0.5, 1e-3}, {0.6, 1e-2}}), Contains("must not grow"));
}

TEST_CASE("campaign models: nested sampling chooses each index with probability p, and a rate's set inside every higher rate's", "[campaign][models]") {
  const std::uint64_t count = 200000;
  std::vector<std::uint64_t> previous;
  for (double p : {1e-4, 1e-3, 0.3, 0.7}) {
    std::vector<std::uint64_t> chosen;
    std::uint64_t low_half = 0;
    for_each_nested(
        17, count, p, [](Rng& rng) { return rng.next(); },
        [&](std::uint64_t i, std::uint64_t) {
          chosen.push_back(i);
          low_half += i < count / 2;
        });
    std::sort(chosen.begin(), chosen.end());
    INFO("p = " << p);
    CHECK(std::adjacent_find(chosen.begin(), chosen.end()) == chosen.end());
    const double mean = count * p, sd = std::sqrt(count * p * (1 - p));
    CHECK(std::abs(static_cast<double>(chosen.size()) - mean) < 5 * sd);
    CHECK(std::abs(static_cast<double>(low_half) - chosen.size() / 2.0) < 5 * std::sqrt(chosen.size() / 4.0));
    CHECK(std::includes(chosen.begin(), chosen.end(), previous.begin(), previous.end()));
    previous = chosen;
  }
  // A permutation's prefixes: distinct, uniform, nested.
  const std::vector<std::uint64_t> few = nested_prefix(1000, 10, 3), more = nested_prefix(1000, 600, 3);
  CHECK(std::includes(more.begin(), more.end(), few.begin(), few.end()));
  CHECK(std::adjacent_find(more.begin(), more.end()) == more.end());
  CHECK(nested_prefix(1000, 1000, 3).back() == 999);
}

TEST_CASE("campaign models: every model but transient nests its maps across rates, a fault keeping its behaviour", "[campaign][models]") {
  const MemoryShape memory{8192, 32, EccScheme::secded_39_32};
  for (const std::string name : {"bernoulli", "stuck-at", "burst", "column", "row"}) {
    const FaultModel model = FaultModel::named(name);
    for (std::size_t m = 0; m < 3; ++m) {
      std::vector<Fault> previous;
      for (double rate : {1e-4, 1e-3, 1e-2, 5e-2}) {
        const std::vector<Fault> faults = cell_faults(model, rate, memory, map_seed(4, model, rate, m)).data.faults();
        INFO(name << " map " << m << " at " << rate);
        CHECK(std::includes(faults.begin(), faults.end(), previous.begin(), previous.end(), [](const Fault& a, const Fault& b) {
          return std::tie(a.address, a.bit, a.kind) < std::tie(b.address, b.bit, b.kind);
        }));
        CHECK(faults.size() >= previous.size());
        previous = faults;
      }
      CHECK(!previous.empty());
    }
  }
  const std::vector<std::size_t> numels = {150, 2400, 48000};
  std::vector<StoredFlip> previous;
  for (double ber : {1e-6, 1e-5, 1e-4, 1e-3}) {
    const std::vector<StoredFlip> flips = paper_flips(numels, ber, 8);
    for (const StoredFlip& f : previous) CHECK(std::find(flips.begin(), flips.end(), f) != flips.end());
    previous = flips;
  }
}

TEST_CASE("campaign models: map seeds depend only on the campaign seed and model and rate and map index", "[campaign][models]") {
  const FaultModel bernoulli = FaultModel::named("bernoulli");
  CHECK(map_seed(1, bernoulli, 1e-5, 3) == map_seed(1, bernoulli, 1e-5, 3));
  CHECK(map_seed(1, bernoulli, 1e-5, 3) != map_seed(1, bernoulli, 1e-5, 4));
  CHECK(map_seed(1, bernoulli, 1e-5, 3) == map_seed(1, bernoulli, 3e-5, 3));  // one map seen at every rate
  const FaultModel transient = FaultModel::named("transient");
  CHECK(map_seed(1, transient, 1e-5, 3) != map_seed(1, transient, 3e-5, 3));
  CHECK(map_seed(1, bernoulli, 1e-5, 3) != map_seed(2, bernoulli, 1e-5, 3));
  CHECK(map_seed(1, bernoulli, 1e-5, 3) != map_seed(1, FaultModel::named("stuck-at"), 1e-5, 3));
  const FaultModel voltage = FaultModel::named("voltage");
  CHECK(map_seed(1, voltage, 0.6, 3) == map_seed(1, voltage, 0.7, 3));
  // Drawing maps 0..7 in any order, or only some of them, gives the same maps.
  const MemoryShape memory{4096, 32, EccScheme::none};
  std::vector<std::vector<Fault>> forward, backward(8);
  for (std::size_t m = 0; m < 8; ++m)
    forward.push_back(cell_faults(bernoulli, 1e-3, memory, map_seed(1, bernoulli, 1e-3, m)).data.faults());
  for (std::size_t m = 8; m-- > 0;)
    backward[m] = cell_faults(bernoulli, 1e-3, memory, map_seed(1, bernoulli, 1e-3, m)).data.faults();
  CHECK(forward == backward);
}

TEST_CASE("campaign models: transient read flips happen per bit and per read and are reproducible from the seed", "[campaign][models]") {
  WordMemory memory("m", 64, 32);
  auto hook = std::make_shared<TransientReadHook>(nullptr, 32, 0.01, 5);
  memory.set_fault_hook(hook);
  for (std::uint64_t a = 0; a < 64; ++a) memory.store(a, 0);
  std::vector<std::uint32_t> first;
  std::uint64_t ones = 0;
  for (int pass = 0; pass < 200; ++pass) {
    for (std::uint64_t a = 0; a < 64; ++a) {
      const std::uint32_t w = memory.read(a);
      ones += static_cast<std::uint64_t>(__builtin_popcount(w));
      if (pass == 0) first.push_back(w);
    }
  }
  CHECK(ones == hook->flipped_bits());
  const double n = 200.0 * 64 * 32;
  CHECK(std::abs(static_cast<double>(ones) - n * 0.01) < 5 * std::sqrt(n * 0.01));
  auto again = std::make_shared<TransientReadHook>(nullptr, 32, 0.01, 5);
  memory.set_fault_hook(again);
  for (std::uint64_t a = 0; a < 64; ++a) CHECK(memory.read(a) == first[a]);
}
