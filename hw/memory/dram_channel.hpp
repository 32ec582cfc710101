#pragma once
// The accelerator's one DRAM channel as the DMA engine sees it (plain C++, no SystemC): transfers
// are served one after another in the order they are issued, each moving its words at
// `dram_words_per_cycle`. A read's data starts `dram_latency_cycles` after its issue at the
// earliest (the latency of a read issued while the channel is busy hides under the transfer
// before it); a write is posted (no latency). So the channel is never busy for more cycles than
// the words it moved need, which is what holds every layer at or above its roofline bound.
// Times are cycles relative to the start of a layer.
#include "hw/config.hpp"

namespace proact {

class DramChannel {
 public:
  explicit DramChannel(const AcceleratorConfig& config);

  // A read of `words` issued at cycle `issue` (>= every earlier issue); returns the cycle its last
  // word arrives. 0 words: no transfer, returns `issue`.
  long read(long issue, long words);
  // A write of `words` issued at `issue`; returns the cycle its last word has left.
  long write(long issue, long words);

  // The cycle the last transfer so far ends (0 before any).
  long free_at() const { return free_; }
  // Cycles one transfer of `words` keeps the channel busy: ceil(words / dram_words_per_cycle).
  long busy_cycles(long words) const;

 private:
  long transfer(long data_start, long words);

  double words_per_cycle_;
  long latency_;
  long free_ = 0;
};

}  // namespace proact
