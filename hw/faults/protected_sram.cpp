#include "hw/faults/protected_sram.hpp"

#include <algorithm>
#include <stdexcept>

namespace proact {

namespace {

std::uint64_t apply_masks(std::uint64_t bits, std::uint64_t flip, std::uint64_t stuck_0, std::uint64_t stuck_1) {
  return ((bits ^ flip) & ~stuck_0) | stuck_1;
}

void add_mask(FaultKind kind, std::uint64_t mask, std::uint64_t& flip, std::uint64_t& stuck_0, std::uint64_t& stuck_1) {
  switch (kind) {
    case FaultKind::flip: flip |= mask; break;
    case FaultKind::stuck_at_0: stuck_0 |= mask; break;
    case FaultKind::stuck_at_1: stuck_1 |= mask; break;
  }
}

CodewordFaults& entry_for(std::vector<CodewordFaults>& list, std::uint64_t codeword) {
  auto it = std::lower_bound(list.begin(), list.end(), codeword,
                             [](const CodewordFaults& f, std::uint64_t c) { return f.codeword < c; });
  if (it == list.end() || it->codeword != codeword) {
    CodewordFaults f;
    f.codeword = codeword;
    it = list.insert(it, f);
  }
  return *it;
}

}  // namespace

void EccCounts::count(EccOutcome outcome, std::uint32_t stored, std::uint32_t delivered) {
  if (outcome == EccOutcome::detected) ++detected;
  else if (delivered != stored) ++silent;
  else if (outcome == EccOutcome::corrected) ++corrected;
}

EccCounts& EccCounts::operator+=(const EccCounts& other) {
  corrected += other.corrected;
  detected += other.detected;
  silent += other.silent;
  return *this;
}

std::vector<CodewordFaults> faulty_codewords(const SramFaults& faults) {
  const EccCode& code = faults.code;
  const int per = code.words_per_codeword();
  if (faults.words % per != 0) {
    throw std::invalid_argument("a memory of " + std::to_string(faults.words) + " words does not split into " +
                                ecc_scheme_name(code.scheme()) + " codewords of " + std::to_string(per) + " words");
  }
  faults.data.validate_for("the protected memory", faults.words, code.word_bits());
  if (code.check_bits() > 0) faults.check.validate_for("the check bits", faults.words / per, code.check_bits());
  else if (!faults.check.empty()) throw std::invalid_argument("check-bit faults given for a memory without ECC");
  std::vector<CodewordFaults> list;
  for (const Fault& f : faults.data.faults()) {
    CodewordFaults& c = entry_for(list, f.address / per);
    const int bit = static_cast<int>(f.address % per) * code.word_bits() + f.bit;
    add_mask(f.kind, 1ull << bit, c.data_flip, c.data_stuck_0, c.data_stuck_1);
  }
  for (const Fault& f : faults.check.faults()) {
    CodewordFaults& c = entry_for(list, f.address);
    std::uint64_t flip = c.check_flip, stuck_0 = c.check_stuck_0, stuck_1 = c.check_stuck_1;
    add_mask(f.kind, 1ull << f.bit, flip, stuck_0, stuck_1);
    c.check_flip = static_cast<std::uint32_t>(flip);
    c.check_stuck_0 = static_cast<std::uint32_t>(stuck_0);
    c.check_stuck_1 = static_cast<std::uint32_t>(stuck_1);
  }
  return list;
}

EccDecode read_codeword(const EccCode& code, const CodewordFaults& f, std::uint64_t data) {
  const std::uint64_t data_cells = apply_masks(data, f.data_flip, f.data_stuck_0, f.data_stuck_1);
  const auto check_cells =
      static_cast<std::uint32_t>(apply_masks(code.encode(data), f.check_flip, f.check_stuck_0, f.check_stuck_1));
  return code.decode(data_cells, check_cells);
}

ProtectedMemoryHook::ProtectedMemoryHook(const SramFaults& faults) : code_(faults.code) {
  for (const CodewordFaults& f : faulty_codewords(faults)) codewords_.push_back(Entry{f, 0});
}

ProtectedMemoryHook::Entry* ProtectedMemoryHook::find(std::uint64_t address) {
  const std::uint64_t codeword = address / static_cast<std::uint64_t>(code_.words_per_codeword());
  const auto it = std::lower_bound(codewords_.begin(), codewords_.end(), codeword,
                                   [](const Entry& e, std::uint64_t c) { return e.faults.codeword < c; });
  return it != codewords_.end() && it->faults.codeword == codeword ? &*it : nullptr;
}

std::uint32_t ProtectedMemoryHook::on_store(std::uint64_t address, std::uint32_t word) {
  Entry* e = find(address);
  if (!e) return word;
  const int slot = static_cast<int>(address % static_cast<std::uint64_t>(code_.words_per_codeword()));
  const int shift = slot * code_.word_bits();
  const std::uint64_t word_mask = (code_.word_bits() == 64 ? ~0ull : (1ull << code_.word_bits()) - 1) << shift;
  if (slot == 0) e->data = 0;  // a new codeword
  e->data = (e->data & ~word_mask) | (static_cast<std::uint64_t>(word) << shift);
  const std::uint64_t cells = apply_masks(e->data, e->faults.data_flip, e->faults.data_stuck_0, e->faults.data_stuck_1);
  return static_cast<std::uint32_t>((cells & word_mask) >> shift);
}

std::uint32_t ProtectedMemoryHook::on_read(std::uint64_t address, std::uint32_t word) {
  Entry* e = find(address);
  if (!e) return word;
  const int shift = static_cast<int>(address % static_cast<std::uint64_t>(code_.words_per_codeword())) * code_.word_bits();
  const std::uint64_t mask = code_.word_bits() == 64 ? ~0ull : (1ull << code_.word_bits()) - 1;
  const EccDecode decoded = read_codeword(code_, e->faults, e->data);
  const auto stored = static_cast<std::uint32_t>((e->data >> shift) & mask);
  const auto delivered = static_cast<std::uint32_t>((decoded.data >> shift) & mask);
  counts_.count(decoded.outcome, stored, delivered);
  return delivered;
}

}  // namespace proact
