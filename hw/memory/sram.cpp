#include "hw/memory/sram.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "hw/config.hpp"

namespace proact {

WordMemory::WordMemory(std::string name, std::uint64_t size, int word_bits)
    : name_(std::move(name)), word_bits_(word_bits), mask_(word_bits == 32 ? 0xFFFFFFFFu : (1u << word_bits) - 1u) {
  if (size == 0) throw std::invalid_argument(name_ + ": a memory needs at least one word");
  if (word_bits < 8 || word_bits > 32)
    throw std::invalid_argument(name_ + ": word width " + std::to_string(word_bits) + " bits is outside 8..32");
  words_.assign(size, 0);
}

void WordMemory::check(std::uint64_t address, std::uint64_t count) const {
  if (address >= words_.size() || count > words_.size() - address)
    throw std::out_of_range(name_ + ": access to address " + std::to_string(address) +
                            (count == 1 ? "" : " (" + std::to_string(count) + " words)") + " is outside its " +
                            std::to_string(words_.size()) + " words");
}

void WordMemory::store(std::uint64_t address, std::uint32_t word) {
  check(address, 1);
  word &= mask_;
  words_[address] = hook_ ? hook_->on_store(address, word) & mask_ : word;
  ++writes_;
}

std::uint32_t WordMemory::read(std::uint64_t address) {
  check(address, 1);
  ++reads_;
  return hook_ ? hook_->on_read(address, words_[address]) & mask_ : words_[address];
}

void WordMemory::store_block(std::uint64_t address, const std::uint32_t* words, std::uint64_t count) {
  if (count == 0) return;
  check(address, count);  // once for the block; then each word as store() would take it
  std::uint32_t* cells = words_.data() + address;
  if (hook_) {
    for (std::uint64_t i = 0; i < count; ++i) cells[i] = hook_->on_store(address + i, words[i] & mask_) & mask_;
  } else {
    for (std::uint64_t i = 0; i < count; ++i) cells[i] = words[i] & mask_;
  }
  writes_ += count;
}

void WordMemory::read_block(std::uint64_t address, std::uint32_t* words, std::uint64_t count) {
  if (count == 0) return;
  check(address, count);
  const std::uint32_t* cells = words_.data() + address;
  if (hook_) {
    for (std::uint64_t i = 0; i < count; ++i) words[i] = hook_->on_read(address + i, cells[i]) & mask_;
  } else {
    std::copy_n(cells, count, words);
  }
  reads_ += count;
}

void WordMemory::store_and_read_back(std::uint64_t address, float* values, std::uint64_t count) {
  if (count == 0) return;
  check(address, count);
  std::uint32_t* cells = words_.data() + address;
  std::memcpy(cells, values, count * sizeof(float));
  if (hook_) {
    for (std::uint64_t i = 0; i < count; ++i) cells[i] = hook_->on_store(address + i, cells[i] & mask_) & mask_;
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint32_t word = hook_->on_read(address + i, cells[i]) & mask_;
      std::memcpy(values + i, &word, sizeof word);
    }
  } else if (mask_ != 0xffffffffu) {
    for (std::uint64_t i = 0; i < count; ++i) cells[i] &= mask_;
    std::memcpy(values, cells, count * sizeof(float));
  }
  writes_ += count;
  reads_ += count;
}

void WordMemory::count_overwritten(std::uint64_t count) {
  if (hook_) throw std::logic_error(name_ + ": a store with a fault hook installed cannot be skipped");
  writes_ += count;
  reads_ += count;
}

void WordMemory::fill(std::uint32_t word) {
  word &= mask_;
  for (std::uint64_t a = 0; a < words_.size(); ++a) words_[a] = hook_ ? hook_->on_store(a, word) & mask_ : word;
}

std::uint32_t WordMemory::cells(std::uint64_t address) const {
  check(address, 1);
  return words_[address];
}

void WordMemory::set_fault_map(std::shared_ptr<FaultMap> map) {
  if (map) map->validate_for(name_, size(), word_bits_);
  hook_ = std::move(map);
}

void WordMemory::reset_counters() {
  reads_ = 0;
  writes_ = 0;
}

std::vector<std::uint64_t> surviving_from(const std::vector<int>& regions, const std::vector<std::uint64_t>& lengths) {
  std::vector<std::uint64_t> from(lengths.size());
  std::vector<std::pair<int, std::uint64_t>> covered;  // (region, words overwritten by later writes)
  for (std::size_t i = lengths.size(); i-- > 0;) {
    auto it = std::find_if(covered.begin(), covered.end(), [&](const auto& c) { return c.first == regions[i]; });
    if (it == covered.end()) it = covered.insert(covered.end(), {regions[i], 0});
    from[i] = std::min(it->second, lengths[i]);
    it->second = std::max(it->second, lengths[i]);
  }
  return from;
}

WordMemory make_weight_sram(const AcceleratorConfig& config) {
  return WordMemory("weight_sram", config.weight_sram_words(), config.sram_word_bits);
}

ActivationSram::ActivationSram(std::uint64_t words_per_bank)
    : banks_{WordMemory("act_sram[0]", words_per_bank, 32), WordMemory("act_sram[1]", words_per_bank, 32)} {}

ActivationSram::ActivationSram(const AcceleratorConfig& config) : ActivationSram(config.act_sram_words()) {}

template <typename F>
void ActivationSram::for_each_part(std::uint64_t address, std::uint64_t count, F f) {
  if (address > size() || count > size() - address) {
    throw std::out_of_range("activation SRAM words [" + std::to_string(address) + ", " +
                            std::to_string(address + count) + ") run past its " + std::to_string(size()));
  }
  const std::uint64_t bank_words = banks_[0].size();
  for (std::uint64_t done = 0; done < count;) {
    const std::uint64_t at = address + done;
    const int bank = static_cast<int>(at / bank_words);
    const std::uint64_t words = std::min(count - done, bank_words - at % bank_words);
    f(banks_[bank], at % bank_words, done, words);
    done += words;
  }
}

void ActivationSram::store(std::uint64_t address, const float* values, std::uint64_t count) {
  std::vector<std::uint32_t> words(count);
  std::memcpy(words.data(), values, count * sizeof(float));
  for_each_part(address, count, [&](WordMemory& bank, std::uint64_t at, std::uint64_t offset, std::uint64_t n) {
    bank.store_block(at, words.data() + offset, n);
  });
}

void ActivationSram::read(std::uint64_t address, float* values, std::uint64_t count) {
  std::vector<std::uint32_t> words(count);
  for_each_part(address, count, [&](WordMemory& bank, std::uint64_t at, std::uint64_t offset, std::uint64_t n) {
    bank.read_block(at, words.data() + offset, n);
  });
  std::memcpy(values, words.data(), count * sizeof(float));
}

void ActivationSram::stage(float* values, std::uint64_t count, std::uint64_t stage_words) {
  const std::uint64_t chunk = stage_words / 2;
  const std::uint64_t chunks = (count + chunk - 1) / chunk;
  const auto length = [&](std::uint64_t c) { return std::min(chunk, count - c * chunk); };
  const auto store_and_read_back = [&](std::uint64_t address, float* words, std::uint64_t n) {
    for_each_part(address, n, [&](WordMemory& bank, std::uint64_t at, std::uint64_t offset, std::uint64_t part) {
      bank.store_and_read_back(at, words + offset, part);
    });
  };
  if (banks_[0].fault_hook() || banks_[1].fault_hook()) {
    for (std::uint64_t c = 0; c < chunks; ++c) store_and_read_back((c % 2) * chunk, values + c * chunk, length(c));
    return;
  }
  std::vector<int> regions(chunks);
  std::vector<std::uint64_t> lengths(chunks);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    regions[c] = static_cast<int>(c % 2);
    lengths[c] = length(c);
  }
  const std::vector<std::uint64_t> from = surviving_from(regions, lengths);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    const std::uint64_t base = (c % 2) * chunk;
    for_each_part(base, from[c], [](WordMemory& bank, std::uint64_t, std::uint64_t, std::uint64_t part) {
      bank.count_overwritten(part);
    });
    store_and_read_back(base + from[c], values + c * chunk + from[c], lengths[c] - from[c]);
  }
}

}  // namespace proact
