#pragma once
// The CSR bank as plain C++ state: the register values, the performance counters, the clip units'
// thresholds and table windows and the neuron-wise threshold table, decoded from the one register map
// (hw/interface/register_map.hpp). The bus side (read/write) follows the access rules and never throws; the
// hardware side (controller, clip unit) uses the typed accessors below, which ignore them.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "hw/interface/register_map.hpp"
#include "hw/memory/sram.hpp"
#include "models/numeric/clip.hpp"

namespace proact {

struct AcceleratorConfig;

// ok; address_error: unaligned or unmapped offset; width_error: not a 4-byte access;
// access_error: write to RO, or read of WO.
enum class AccessStatus { ok, address_error, width_error, access_error };
std::string_view access_status_name(AccessStatus status);

class CsrBank {
 public:
  CsrBank();  // the default config's bank: the parameter registers show their table reset values
  // Parameter registers (ARRAY_ROWS ...) and the threshold table's size from config.
  explicit CsrBank(const AcceleratorConfig& config);

  // Bus side. Semantics per access rule (hw/interface/register_map.hpp); CTRL.START is ignored while
  // STATUS.BUSY; CTRL.SOFT_RESET takes effect at once on the bank (see soft_reset()).
  AccessStatus read(std::uint64_t offset, unsigned bytes, std::uint32_t& value);
  AccessStatus write(std::uint64_t offset, unsigned bytes, std::uint32_t value);

  // Power-on reset: every register, counter, threshold and table word back to its reset value
  // (the windows are filled through their fault hooks, which stay installed); commands dropped.
  void reset();
  // What CTRL.SOFT_RESET does: STATUS, IRQ_STATUS, ERROR_CODE and the counters cleared;
  // programmed registers and thresholds kept.
  void soft_reset();

  // Hardware side: any register, no access rules. For a counter register these read or write
  // that half of the 64-bit counter (no latching).
  std::uint32_t get(RegisterId id) const;
  void set(RegisterId id, std::uint32_t value);

  // START and SOFT_RESET written by the bus; take_* returns whether one was pending and clears it.
  bool start_pending() const { return start_pending_; }
  bool take_start();
  bool soft_reset_pending() const { return soft_reset_pending_; }
  bool take_soft_reset();

  // Run status. begin_run: STATUS = BUSY, ERROR_CODE = 0. end_run: STATUS = DONE (| ERROR unless
  // error is none), ERROR_CODE = error, IRQ_STATUS.DONE set.
  void begin_run();
  void end_run(DeviceError error);
  bool busy() const { return (get(RegisterId::status) & kStatusBusy) != 0; }
  bool irq_line() const;  // IRQ_STATUS.DONE and CTRL.IRQ_ENABLE

  void add(Counter counter, std::uint64_t amount) { counters_[static_cast<std::size_t>(counter)] += amount; }
  std::uint64_t counter(Counter counter) const { return counters_[static_cast<std::size_t>(counter)]; }
  void clear_counters();

  std::uint64_t descriptor_base() const;  // DESC_BASE_HI:DESC_BASE_LO
  std::uint32_t descriptor_count() const { return get(RegisterId::desc_count); }
  // CLIP_MODE as a clip form (0 relu, 1 hard, 2 saturate); nullopt for the reserved value 3.
  std::optional<ClipForm> clip_form() const;

  // Clip unit reads: through the window's fault hook and counted; an index outside the window
  // throws std::out_of_range (a controller bug, not a bus access).
  std::uint32_t clip_threshold_word(std::uint32_t unit) { return clip_thresholds_.read(unit); }
  float clip_threshold(std::uint32_t unit);  // the word as fp32
  std::uint32_t clip_table_base(std::uint32_t unit) { return clip_table_bases_.read(unit); }
  std::uint32_t clip_table_length(std::uint32_t unit) { return clip_table_lengths_.read(unit); }
  std::uint32_t threshold_table_word(std::uint32_t index) { return threshold_table_.read(index); }
  float threshold_table_value(std::uint32_t index);  // the word as fp32
  std::uint32_t threshold_table_words() const { return static_cast<std::uint32_t>(threshold_table_.size()); }

  // The two threshold stores as memories: install fault hooks, read access counts.
  // clip_thresholds: kClipUnits words, threshold_table: the config's threshold_table_words, 32 bits.
  WordMemory& clip_thresholds() { return clip_thresholds_; }
  WordMemory& threshold_table() { return threshold_table_; }

 private:
  WordMemory& window_memory(std::size_t window);

  std::array<std::uint32_t, kRegisterCount> reset_values_{};
  std::array<std::uint32_t, kRegisterCount> values_{};  // counter registers unused: see counters_
  std::array<std::uint64_t, kCounterCount> counters_{};
  std::array<std::uint32_t, kCounterCount> latched_hi_{};  // upper halves latched by LO reads
  bool start_pending_ = false;
  bool soft_reset_pending_ = false;
  WordMemory clip_thresholds_;
  WordMemory clip_table_bases_;
  WordMemory clip_table_lengths_;
  WordMemory threshold_table_;
};

}  // namespace proact
