#pragma once
// On-chip memories as plain C++ state (no SystemC kernel needed): a word-addressed memory whose
// every store and read goes through an optional fault hook, and the accelerator's instances of it
// (weight SRAM, ping-pong activation SRAM). Timing belongs to the modules that use them.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw/faults/fault_hook.hpp"

namespace proact {

struct AcceleratorConfig;

// `size` words of `word_bits` bits (8..32), each held in the low bits of a std::uint32_t; words
// written are masked to the width, and so is whatever a fault hook returns. Reset content is 0.
// Addresses are word indices; an address >= size throws std::out_of_range naming the memory,
// the address and the size.
class WordMemory {
 public:
  // Throws std::invalid_argument for size 0 or word_bits outside 8..32.
  WordMemory(std::string name, std::uint64_t size, int word_bits);

  // A write port access: the cells take hook->on_store(address, word & mask); counts a write.
  void store(std::uint64_t address, std::uint32_t word);
  // A read port access: hook->on_read(address, cells); counts a read.
  std::uint32_t read(std::uint64_t address);
  // Block forms of store/read for `count` consecutive words from `address` (each word hooked
  // and counted); the whole range is bounds-checked before any access.
  void store_block(std::uint64_t address, const std::uint32_t* words, std::uint64_t count);
  void read_block(std::uint64_t address, std::uint32_t* words, std::uint64_t count);
  // store_block of the bit patterns of `values`, then read_block of them back into `values`
  // (same hook calls in the same order, same counts), without a staging copy.
  void store_and_read_back(std::uint64_t address, float* values, std::uint64_t count);
  // Counts `count` stores and `count` reads of words whose values nobody uses and that no hook can
  // see, into cells a later store overwrites: callers skip copying them. Throws
  // std::logic_error when a hook is installed.
  void count_overwritten(std::uint64_t count);
  // Every cell takes hook->on_store(address, word) (a reset or power-on fill); not counted.
  void fill(std::uint32_t word);
  // Backdoor for tests and debug dumps: what the cells hold, with no hook and no count.
  std::uint32_t cells(std::uint64_t address) const;

  // The hook is shared: the caller may keep its pointer to inspect or swap it. nullptr removes
  // it. Installing or removing a hook leaves the cells as they are (a flip only acts on stores).
  void set_fault_hook(std::shared_ptr<FaultHook> hook) { hook_ = std::move(hook); }
  // set_fault_hook after map->validate_for(name(), size(), word_bits()).
  void set_fault_map(std::shared_ptr<FaultMap> map);
  const std::shared_ptr<FaultHook>& fault_hook() const { return hook_; }

  const std::string& name() const { return name_; }
  std::uint64_t size() const { return words_.size(); }
  int word_bits() const { return word_bits_; }
  std::uint32_t word_mask() const { return mask_; }
  std::uint64_t reads() const { return reads_; }
  std::uint64_t writes() const { return writes_; }
  void reset_counters();

 private:
  void check(std::uint64_t address, std::uint64_t count) const;

  std::string name_;
  int word_bits_;
  std::uint32_t mask_;
  std::vector<std::uint32_t> words_;  // (size) cells, low word_bits_ bits used
  std::shared_ptr<FaultHook> hook_;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
};

// Writes in order, write i covering words [0, lengths[i]) of region regions[i] (a fold's block in a
// weight SRAM half, a chunk in an activation bank): for each write, the first of its words that no
// later write to the same region overwrites (lengths[i] when none is left at the end).
std::vector<std::uint64_t> surviving_from(const std::vector<int>& regions, const std::vector<std::uint64_t>& lengths);

// The weight SRAM of `config`: config.weight_sram_words() words of config.sram_word_bits bits,
// named "weight_sram".
WordMemory make_weight_sram(const AcceleratorConfig& config);

// Two activation banks of fp32 words, also addressed as one space of size() words (bank 0's
// words, then bank 1's): resident results live at the addresses the compiler gives them, and
// results bound for DRAM are staged through the words below them.
class ActivationSram {
 public:
  explicit ActivationSram(std::uint64_t words_per_bank);  // banks "act_sram[0]" and "act_sram[1]", 32-bit words
  explicit ActivationSram(const AcceleratorConfig& config);  // config.act_sram_words() per bank

  WordMemory& bank(int index) { return banks_.at(static_cast<std::size_t>(index)); }
  std::uint64_t size() const { return 2 * banks_[0].size(); }
  // `count` words at `address` of the one space, through the banks' hooks and counted; throws
  // std::out_of_range naming the range when it runs past size().
  void store(std::uint64_t address, const float* values, std::uint64_t count);
  void read(std::uint64_t address, float* values, std::uint64_t count);
  // `count` words of a result bound for DRAM through the staging words [0, stage_words): chunks
  // of stage_words / 2, alternating between its two halves from the first, each stored by the
  // pipeline and read back by the drain DMA (both hooked); stage_words = size() stages through
  // the two banks in turn. Without hooks a word reads back as stored (the banks are 32 bits
  // wide), so only the words left in the banks are copied; cells and counts are as if every chunk
  // had been.
  void stage(float* values, std::uint64_t count, std::uint64_t stage_words);
  std::uint64_t reads() const { return banks_[0].reads() + banks_[1].reads(); }
  std::uint64_t writes() const { return banks_[0].writes() + banks_[1].writes(); }

 private:
  // Calls f(bank, bank address, offset into the range, words) for the parts of [address,
  // address + count) in each bank, in order.
  template <typename F>
  void for_each_part(std::uint64_t address, std::uint64_t count, F f);

  std::array<WordMemory, 2> banks_;
};

}  // namespace proact
