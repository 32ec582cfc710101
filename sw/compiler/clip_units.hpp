#pragma once
// Where clipped layers' thresholds live in the accelerator. Clipped layers take clip units in the
// order they run: a layer-wise one holds its threshold in CLIP_THRESHOLD[unit]; a neuron-wise one
// holds its per-element thresholds in a window of the threshold table (CLIP_TABLE_BASE[unit],
// CLIP_TABLE_LENGTH[unit]), windows packed one after the other from word 0. The compiler and the
// fault families both place units with this one allocator, so a fault on table word w hits the
// element the hardware reads from word w.
#include <cstdint>

namespace proact {

struct ClipUnit {
  std::uint32_t unit = 0;
  std::uint32_t table_base = 0;    // neuron-wise: first threshold table word
  std::uint32_t table_length = 0;  // 0: layer-wise (CLIP_THRESHOLD[unit]); else its thresholds
  bool neuron_wise() const { return table_length != 0; }
};

class ClipUnitAllocator {
 public:
  // The next unit for a clipped layer of `thresholds` values (1: layer-wise, else one per output
  // element). Never refuses: the caller checks units() against kClipUnits and table_words()
  // against the configured table.
  ClipUnit next(std::uint64_t thresholds);
  std::uint32_t units() const { return units_; }
  std::uint64_t table_words() const { return table_words_; }  // the windows' words so far

 private:
  std::uint32_t units_ = 0;
  std::uint64_t table_words_ = 0;
};

}  // namespace proact
