#pragma once
// A memory's physical cells under an ECC scheme, and the fault hook that decorates its stored
// words with that scheme (docs/faults.md, "ECC"). The hook holds, for every codeword with a
// faulty cell, the data last stored in it; a read encodes that data, applies the cell faults to
// data and check cells, decodes, and delivers the word's slice of the decoded data, counting what
// the decoder did. Codewords without faulty cells pass through untouched and uncounted.
//
// Codeword writes: storing the first word of a codeword starts a new codeword whose other words
// hold 0 until they are stored (the DMA writes whole codewords, zero-padding a block's tail), so
// what a read delivers never depends on stale data from earlier layers.
#include <cstdint>
#include <vector>

#include "hw/faults/fault_hook.hpp"
#include "hw/faults/ecc.hpp"

namespace proact {

// The faulty cells of one memory of `words` words of code.word_bits() bits: data cells as a
// FaultMap over the memory's own (address, bit), check cells as a FaultMap over
// (codeword index, check bit). Without ECC `check` is empty.
struct SramFaults {
  EccCode code{EccScheme::none, 32};
  std::uint64_t words = 0;
  FaultMap data;
  FaultMap check;
  std::size_t size() const { return data.faults().size() + check.faults().size(); }
};

// Word reads of faulty codewords, by what the read port delivered. corrected: the decoder corrected
// an error and the word came out as stored; detected: an uncorrectable error, the word came out
// as 0; silent: the word came out different from what was stored, with nothing detected.
struct EccCounts {
  std::uint64_t corrected = 0, detected = 0, silent = 0;
  void count(EccOutcome outcome, std::uint32_t stored, std::uint32_t delivered);
  EccCounts& operator+=(const EccCounts& other);
  bool operator==(const EccCounts& other) const {
    return corrected == other.corrected && detected == other.detected && silent == other.silent;
  }
};

// The faults of one codeword as masks: cells = ((bits ^ flip) & ~stuck_0) | stuck_1.
struct CodewordFaults {
  std::uint64_t codeword = 0;
  std::uint64_t data_flip = 0, data_stuck_0 = 0, data_stuck_1 = 0;
  std::uint32_t check_flip = 0, check_stuck_0 = 0, check_stuck_1 = 0;
};

// The faulty codewords of `faults`, sorted by codeword index. Throws std::invalid_argument naming
// the entry when a fault lies outside the memory or the codeword (check bits).
std::vector<CodewordFaults> faulty_codewords(const SramFaults& faults);

// What a read delivers from codeword `f` whose words were stored as `data` (word i of the codeword
// in bits [i * word_bits, (i + 1) * word_bits)).
EccDecode read_codeword(const EccCode& code, const CodewordFaults& f, std::uint64_t data);

class ProtectedMemoryHook : public FaultHook {
 public:
  explicit ProtectedMemoryHook(const SramFaults& faults);

  std::uint32_t on_store(std::uint64_t address, std::uint32_t word) override;
  std::uint32_t on_read(std::uint64_t address, std::uint32_t word) override;

  const EccCounts& counts() const { return counts_; }  // since construction
  std::size_t faulty_codeword_count() const { return codewords_.size(); }

 private:
  struct Entry {
    CodewordFaults faults;
    std::uint64_t data = 0;  // the codeword's words as last stored
  };
  Entry* find(std::uint64_t address);

  EccCode code_;
  std::vector<Entry> codewords_;  // sorted by codeword index
  EccCounts counts_;
};

}  // namespace proact
