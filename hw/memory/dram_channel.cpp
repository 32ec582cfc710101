#include "hw/memory/dram_channel.hpp"

#include <algorithm>
#include <cmath>

namespace proact {

DramChannel::DramChannel(const AcceleratorConfig& config)
    : words_per_cycle_(config.dram_words_per_cycle), latency_(config.dram_latency_cycles) {}

long DramChannel::busy_cycles(long words) const {
  return static_cast<long>(std::ceil(static_cast<double>(words) / words_per_cycle_));
}

long DramChannel::transfer(long data_start, long words) {
  if (words <= 0) return data_start;
  free_ = std::max(data_start, free_) + busy_cycles(words);
  return free_;
}

long DramChannel::read(long issue, long words) { return words > 0 ? transfer(issue + latency_, words) : issue; }

long DramChannel::write(long issue, long words) { return transfer(issue, words); }

}  // namespace proact
