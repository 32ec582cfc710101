#include "sw/compiler/allocators.hpp"

#include <iterator>

namespace proact {

namespace {

constexpr std::uint64_t kDramAlignment = 64;  // bytes
constexpr std::uint64_t kSramAlignment = 16;  // words

std::uint64_t align(std::uint64_t value, std::uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

}  // namespace

void FreeBlocks::add(std::uint64_t address, std::uint64_t size) {
  auto next = blocks_.lower_bound(address);
  if (next != blocks_.end() && next->first == address + size) {
    size += next->second;
    next = blocks_.erase(next);
  }
  if (next != blocks_.begin()) {
    const auto previous = std::prev(next);
    if (previous->first + previous->second == address) {
      previous->second += size;
      return;
    }
  }
  blocks_[address] = size;
}

std::optional<std::uint64_t> FreeBlocks::take_lowest(std::uint64_t size) {
  for (auto it = blocks_.begin(); it != blocks_.end(); ++it) {
    if (it->second < size) continue;
    const auto [address, room] = *it;
    blocks_.erase(it);
    if (room > size) blocks_[address + size] = room - size;
    return address;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> FreeBlocks::take_highest(std::uint64_t size, std::uint64_t floor) {
  for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
    const auto [address, room] = *it;
    if (address + room < floor + size) return std::nullopt;  // this block and every lower one end too low
    if (room < size) continue;
    const std::uint64_t taken = address + room - size;
    if (room == size) blocks_.erase(address);
    else blocks_[address] = room - size;
    return taken;
  }
  return std::nullopt;
}

std::uint64_t DramAllocator::reserve(std::size_t bytes) {
  const std::uint64_t address = next_;
  next_ = align(next_ + bytes, kDramAlignment);
  return address;
}

std::uint64_t DramAllocator::reserve_buffer(std::size_t bytes) {
  if (const auto address = released_.take_lowest(align(bytes, kDramAlignment))) return *address;
  return reserve(bytes);
}

void DramAllocator::release(std::uint64_t address, std::size_t bytes) { released_.add(address, align(bytes, kDramAlignment)); }

SramAllocator::SramAllocator(std::uint64_t words, std::uint64_t staging_floor) : words_(words), floor_(staging_floor) {
  free_.add(0, words);
}

std::optional<std::uint64_t> SramAllocator::allocate(std::uint64_t words) {
  const std::optional<std::uint64_t> address = free_.take_highest(align(words, kSramAlignment), floor_);
  if (address) live_.insert(*address);
  return address;
}

void SramAllocator::release(std::uint64_t address, std::uint64_t words) {
  live_.erase(address);
  free_.add(address, align(words, kSramAlignment));
}

std::uint64_t SramAllocator::lowest_live() const { return live_.empty() ? words_ : *live_.begin(); }

}  // namespace proact
