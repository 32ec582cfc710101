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

LoadedThresholds read_loaded_thresholds(SystemcEngine& engine, std::size_t registers, std::size_t table_words) {
  LoadedThresholds loaded;
  Driver& driver = engine.driver();
  driver.set_job([&] {
    for (std::size_t i = 0; i < registers; ++i)
      loaded.registers.push_back(driver.read_window(kClipThresholdWindow, static_cast<std::uint32_t>(i)));
    for (std::size_t i = 0; i < table_words; ++i)
      loaded.table.push_back(driver.read_window(kThresholdTableWindow, static_cast<std::uint32_t>(i)));
    loaded.clip_mode = driver.read_register(RegisterId::clip_mode);
  });
  sc_core::sc_start();
  driver.rethrow_job_error();
  return loaded;
}

void verify_loaded_thresholds(const LoadedThresholds& loaded, const ThresholdFile& file, ClipForm form) {
  std::size_t slot = 0;
  for (const LayerThresholds& layer : file.layers) {
    if (layer.values.size() == 1) {
      const std::string where = "CLIP_THRESHOLD[" + std::to_string(slot) + "] (layer '" + layer.name + "')";
      if (slot >= loaded.registers.size()) throw std::runtime_error("threshold readback: " + where + " was not read");
      const std::uint32_t expected = encode_word(kActivationFormat, layer.values[0]);
      if (loaded.registers[slot] != expected) mismatch(where, loaded.registers[slot], expected);
      ++slot;
      continue;
    }
    if (loaded.table.size() != layer.values.size()) {
      throw std::runtime_error("threshold readback: read " + std::to_string(loaded.table.size()) +
                               " THRESHOLD_TABLE words, layer '" + layer.name + "' has " +
                               std::to_string(layer.values.size()));
    }
    for (std::size_t i = 0; i < layer.values.size(); ++i) {
      const std::uint32_t expected = encode_word(kActivationFormat, layer.values[i]);
      if (loaded.table[i] != expected) {
        mismatch("THRESHOLD_TABLE[" + std::to_string(i) + "] (layer '" + layer.name + "')", loaded.table[i], expected);
      }
    }
  }
  const std::uint32_t mode = form == ClipForm::hard ? 1u : form == ClipForm::saturate ? 2u : 0u;
  if (loaded.clip_mode != mode) mismatch("CLIP_MODE (" + clip_form_name(form) + ")", loaded.clip_mode, mode);
}

}  // namespace proact
