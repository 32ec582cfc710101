#pragma once
// Reading the accelerator's threshold stores back over the bus (Driver::read_window), to check
// that what the driver loaded is what the threshold file says.
#include <cstdint>
#include <vector>

#include "models/numeric/clip.hpp"
#include "sw/engine/inference.hpp"
#include "sw/protection/threshold_file.hpp"

namespace proact {

struct LoadedThresholds {
  std::vector<std::uint32_t> registers;      // CLIP_THRESHOLD[0, n) words (fp32 bits)
  std::vector<std::uint32_t> table_bases;    // CLIP_TABLE_BASE[0, n)
  std::vector<std::uint32_t> table_lengths;  // CLIP_TABLE_LENGTH[0, n)
  std::vector<std::uint32_t> table;          // THRESHOLD_TABLE[0, m) words (fp32 bits)
  std::uint32_t clip_mode = 0;               // CLIP_MODE
};

// Reads the first `units` clip units' CLIP_THRESHOLD, CLIP_TABLE_BASE and CLIP_TABLE_LENGTH words,
// the first `table_words` THRESHOLD_TABLE words and CLIP_MODE through the engine's driver (one
// driver job, run to completion).
LoadedThresholds read_loaded_thresholds(SystemcEngine& engine, std::size_t units, std::size_t table_words);

// Bitwise check against the file: its clipped layers in execution order are clip units 0, 1, ...;
// a layer-wise one's threshold is its CLIP_THRESHOLD word, a neuron-wise one's thresholds are the
// table words of its window (whose length must be the layer's), and CLIP_MODE encodes `form` (1
// hard, 2 saturate). Throws std::runtime_error naming the first register, table word or mode that
// differs.
void verify_loaded_thresholds(const LoadedThresholds& loaded, const ThresholdFile& file, ClipForm form);

}  // namespace proact
