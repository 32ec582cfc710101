#include "sw/thresholds/readback.hpp"

#include <cstdio>
#include <stdexcept>
#include <systemc>

#include "hw/config.hpp"
#include "sw/driver/driver.hpp"

namespace proact {

namespace {

[[noreturn]] void mismatch(const std::string& where, std::uint32_t read, std::uint32_t expected) {
  char text[96];
  std::snprintf(text, sizeof text, " reads 0x%08x, the threshold file says 0x%08x", read, expected);
  throw std::runtime_error("threshold readback: " + where + text);
}

}  // namespace

LoadedThresholds read_loaded_thresholds(SystemcEngine& engine, std::size_t units, std::size_t table_words) {
  LoadedThresholds loaded;
  Driver& driver = engine.driver();
  driver.set_job([&] {
    for (std::uint32_t i = 0; i < units; ++i) {
      loaded.registers.push_back(driver.read_window(kClipThresholdWindow, i));
      loaded.table_bases.push_back(driver.read_window(kClipTableBaseWindow, i));
      loaded.table_lengths.push_back(driver.read_window(kClipTableLengthWindow, i));
    }
    for (std::size_t i = 0; i < table_words; ++i)
      loaded.table.push_back(driver.read_window(kThresholdTableWindow, static_cast<std::uint32_t>(i)));
    loaded.clip_mode = driver.read_register(RegisterId::clip_mode);
  });
  sc_core::sc_start();
  driver.rethrow_job_error();
  return loaded;
}

void verify_loaded_thresholds(const LoadedThresholds& loaded, const ThresholdFile& file, ClipForm form) {
  for (std::size_t unit = 0; unit < file.layers.size(); ++unit) {
    const LayerThresholds& layer = file.layers[unit];
    const std::string of_layer = "[" + std::to_string(unit) + "] (layer '" + layer.name + "')";
    if (unit >= loaded.registers.size()) throw std::runtime_error("threshold readback: clip unit" + of_layer + " was not read");
    if (layer.values.size() == 1) {
      const std::uint32_t expected = encode_word(kActivationFormat, layer.values[0]);
      if (loaded.registers[unit] != expected) mismatch("CLIP_THRESHOLD" + of_layer, loaded.registers[unit], expected);
      if (loaded.table_lengths[unit] != 0) mismatch("CLIP_TABLE_LENGTH" + of_layer, loaded.table_lengths[unit], 0);
      continue;
    }
    const auto length = static_cast<std::uint32_t>(layer.values.size());
    if (loaded.table_lengths[unit] != length) mismatch("CLIP_TABLE_LENGTH" + of_layer, loaded.table_lengths[unit], length);
    const std::uint64_t base = loaded.table_bases[unit];
    if (base + length > loaded.table.size()) {
      throw std::runtime_error("threshold readback: the window of clip unit" + of_layer + " ends at word " +
                               std::to_string(base + length) + ", " + std::to_string(loaded.table.size()) +
                               " THRESHOLD_TABLE words were read");
    }
    for (std::size_t i = 0; i < layer.values.size(); ++i) {
      const std::uint32_t expected = encode_word(kActivationFormat, layer.values[i]);
      if (loaded.table[base + i] != expected) {
        mismatch("THRESHOLD_TABLE[" + std::to_string(base + i) + "] (layer '" + layer.name + "', element " +
                     std::to_string(i) + ")",
                 loaded.table[base + i], expected);
      }
    }
  }
  const std::uint32_t mode = form == ClipForm::hard ? 1u : form == ClipForm::saturate ? 2u : 0u;
  if (loaded.clip_mode != mode) mismatch("CLIP_MODE (" + clip_form_name(form) + ")", loaded.clip_mode, mode);
}

}  // namespace proact
