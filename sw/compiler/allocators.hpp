#pragma once
// Where the compiler puts activation buffers: DRAM, and the resident results of the activation
// SRAM. Both reuse the space of buffers whose last reader has run (descriptors run in order).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace proact {

// Disjoint free blocks [address, address + size), merged with their neighbours when added.
class FreeBlocks {
 public:
  void add(std::uint64_t address, std::uint64_t size);
  // The lowest block that holds `size`: its first `size` units, taken.
  std::optional<std::uint64_t> take_lowest(std::uint64_t size);
  // The highest block that holds `size` at or above `floor`: its last `size` units, taken.
  std::optional<std::uint64_t> take_highest(std::uint64_t size, std::uint64_t floor);

 private:
  std::map<std::uint64_t, std::uint64_t> blocks_;  // address -> size
};

// DRAM bytes: constant segments always go past everything placed so far; an activation buffer
// goes into the lowest released block that holds it, else past everything, so DRAM holds the
// live activations, not all of them. Addresses and sizes are 64-byte aligned.
class DramAllocator {
 public:
  std::uint64_t reserve(std::size_t bytes);         // past everything
  std::uint64_t reserve_buffer(std::size_t bytes);  // a released block if one holds it
  void release(std::uint64_t address, std::size_t bytes);
  std::uint64_t end() const { return next_; }

 private:
  std::uint64_t next_ = 0;
  FreeBlocks released_;
};

// Activation SRAM words for resident results, taken from the top down so that the words below the
// lowest live one stay free to stage the DRAM transfers of every descriptor that runs meanwhile
// (hw/interface/layer_descriptor.hpp, stage_words). A result is refused when it would leave fewer
// than `staging_floor` of them. Sizes are rounded up to 16 words.
class SramAllocator {
 public:
  SramAllocator(std::uint64_t words, std::uint64_t staging_floor);
  std::optional<std::uint64_t> allocate(std::uint64_t words);
  void release(std::uint64_t address, std::uint64_t words);
  std::uint64_t lowest_live() const;  // the staging words now: all of them when nothing is resident

 private:
  std::uint64_t words_, floor_;
  FreeBlocks free_;
  std::set<std::uint64_t> live_;  // addresses of live blocks
};

}  // namespace proact
