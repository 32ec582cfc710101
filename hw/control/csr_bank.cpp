#include "hw/control/csr_bank.hpp"


#include "hw/config.hpp"

namespace proact {

namespace {

constexpr std::size_t index_of(RegisterId id) { return static_cast<std::size_t>(id); }

// Counter registers are the LO/HI pairs from CYCLES_LO on: which counter, and whether HI.
bool is_counter(RegisterId id) { return index_of(id) >= index_of(RegisterId::cycles_lo); }
std::size_t counter_index(RegisterId id) { return (index_of(id) - index_of(RegisterId::cycles_lo)) / 2; }
bool is_high_half(RegisterId id) { return (index_of(id) - index_of(RegisterId::cycles_lo)) % 2 == 1; }

}  // namespace

std::string_view access_status_name(AccessStatus status) {
  switch (status) {
    case AccessStatus::ok: return "ok";
    case AccessStatus::address_error: return "address_error";
    case AccessStatus::width_error: return "width_error";
    case AccessStatus::access_error: return "access_error";
  }
  return "?";
}

CsrBank::CsrBank() : CsrBank(AcceleratorConfig{}) {}

// DATAFLOW and WEIGHT_FORMAT hold the enum values, as the register table documents them.
static_assert(static_cast<int>(Dataflow::os) == 1 && static_cast<int>(Dataflow::is) == 2);
static_assert(static_cast<int>(Format::int8) == 3 && static_cast<int>(Format::q15_16) == 5);

CsrBank::CsrBank(const AcceleratorConfig& config)
    : clip_thresholds_("clip_threshold_registers", kClipUnits, 32),
      clip_table_bases_("clip_table_base_registers", kClipUnits, 32),
      clip_table_lengths_("clip_table_length_registers", kClipUnits, 32),
      threshold_table_("threshold_table", config.threshold_table_words, 32) {
  for (const RegisterInfo& r : kRegisters) reset_values_[index_of(r.id)] = r.reset;
  reset_values_[index_of(RegisterId::array_rows)] = static_cast<std::uint32_t>(config.array_rows);
  reset_values_[index_of(RegisterId::array_cols)] = static_cast<std::uint32_t>(config.array_cols);
  reset_values_[index_of(RegisterId::dataflow)] = static_cast<std::uint32_t>(config.dataflow);
  reset_values_[index_of(RegisterId::weight_format)] = static_cast<std::uint32_t>(config.weight_format);
  reset_values_[index_of(RegisterId::weight_sram_ecc)] = static_cast<std::uint32_t>(config.weight_sram_ecc);
  reset_values_[index_of(RegisterId::weight_sram_bytes)] = static_cast<std::uint32_t>(config.weight_sram_bytes);
  reset_values_[index_of(RegisterId::act_sram_bytes)] = static_cast<std::uint32_t>(config.act_sram_bytes);
  reset_values_[index_of(RegisterId::threshold_table_words)] = config.threshold_table_words;
  reset();
}

void CsrBank::reset() {
  values_ = reset_values_;
  counters_.fill(0);
  latched_hi_.fill(0);
  start_pending_ = false;
  soft_reset_pending_ = false;
  clip_thresholds_.fill(kRegisterWindows[kClipThresholdWindow].reset);
  clip_table_bases_.fill(kRegisterWindows[kClipTableBaseWindow].reset);
  clip_table_lengths_.fill(kRegisterWindows[kClipTableLengthWindow].reset);
  threshold_table_.fill(kRegisterWindows[kThresholdTableWindow].reset);
}

void CsrBank::soft_reset() {
  values_[index_of(RegisterId::status)] = 0;
  values_[index_of(RegisterId::irq_status)] = 0;
  values_[index_of(RegisterId::error_code)] = 0;
  clear_counters();
}

WordMemory& CsrBank::window_memory(std::size_t window) {
  switch (window) {
    case kClipThresholdWindow: return clip_thresholds_;
    case kClipTableBaseWindow: return clip_table_bases_;
    case kClipTableLengthWindow: return clip_table_lengths_;
    default: return threshold_table_;
  }
}

AccessStatus CsrBank::read(std::uint64_t offset, unsigned bytes, std::uint32_t& value) {
  const DecodedAddress at = decode_offset(offset);
  if (at.kind == DecodedAddress::Kind::unmapped) return AccessStatus::address_error;
  if (bytes != kCsrWordBytes) return AccessStatus::width_error;
  if (at.kind == DecodedAddress::Kind::window) {
    WordMemory& memory = window_memory(at.window);
    if (at.index >= memory.size()) return AccessStatus::address_error;  // past the configured table
    value = memory.read(at.index);
    return AccessStatus::ok;
  }
  if (register_info(at.id).access == Access::wo) return AccessStatus::access_error;
  if (is_counter(at.id)) {
    const std::size_t c = counter_index(at.id);
    if (!is_high_half(at.id)) latched_hi_[c] = static_cast<std::uint32_t>(counters_[c] >> 32);
    value = is_high_half(at.id) ? latched_hi_[c] : static_cast<std::uint32_t>(counters_[c]);
    return AccessStatus::ok;
  }
  value = values_[index_of(at.id)];
  return AccessStatus::ok;
}

AccessStatus CsrBank::write(std::uint64_t offset, unsigned bytes, std::uint32_t value) {
  const DecodedAddress at = decode_offset(offset);
  if (at.kind == DecodedAddress::Kind::unmapped) return AccessStatus::address_error;
  if (bytes != kCsrWordBytes) return AccessStatus::width_error;
  if (at.kind == DecodedAddress::Kind::window) {
    WordMemory& memory = window_memory(at.window);
    if (at.index >= memory.size()) return AccessStatus::address_error;  // past the configured table
    memory.store(at.index, value);
    return AccessStatus::ok;
  }
  const RegisterInfo& info = register_info(at.id);
  const std::uint32_t bits = value & writable_mask(at.id);
  switch (info.access) {
    case Access::ro: return AccessStatus::access_error;
    case Access::w1c: values_[index_of(at.id)] &= ~bits; return AccessStatus::ok;
    case Access::wo:
      if (at.id == RegisterId::counter_clear && (bits & kCounterClear)) clear_counters();
      return AccessStatus::ok;
    case Access::rw: break;
  }
  if (at.id != RegisterId::ctrl) {
    values_[index_of(at.id)] = bits;
    return AccessStatus::ok;
  }
  values_[index_of(at.id)] = bits & ~(kCtrlStart | kCtrlSoftReset);  // pulses read back as 0
  if (bits & kCtrlSoftReset) {
    soft_reset();
    soft_reset_pending_ = true;
  }
  if ((bits & kCtrlStart) && !busy()) {
    // An accepted START makes the device busy at once, so a STATUS read that follows it never
    // sees the previous run's DONE.
    start_pending_ = true;
    values_[index_of(RegisterId::status)] = kStatusBusy;
  }
  return AccessStatus::ok;
}

std::uint32_t CsrBank::get(RegisterId id) const {
  if (!is_counter(id)) return values_[index_of(id)];
  const std::uint64_t count = counters_[counter_index(id)];
  return static_cast<std::uint32_t>(is_high_half(id) ? count >> 32 : count);
}

void CsrBank::set(RegisterId id, std::uint32_t value) {
  if (!is_counter(id)) {
    values_[index_of(id)] = value;
    return;
  }
  std::uint64_t& count = counters_[counter_index(id)];
  count = is_high_half(id) ? (count & 0xFFFFFFFFull) | (std::uint64_t{value} << 32)
                           : (count & ~0xFFFFFFFFull) | value;
}

bool CsrBank::take_start() {
  const bool pending = start_pending_;
  start_pending_ = false;
  return pending;
}

bool CsrBank::take_soft_reset() {
  const bool pending = soft_reset_pending_;
  soft_reset_pending_ = false;
  return pending;
}

void CsrBank::begin_run() {
  values_[index_of(RegisterId::status)] = kStatusBusy;
  values_[index_of(RegisterId::error_code)] = 0;
}

void CsrBank::end_run(DeviceError error) {
  values_[index_of(RegisterId::status)] = kStatusDone | (error == DeviceError::none ? 0 : kStatusError);
  values_[index_of(RegisterId::error_code)] = static_cast<std::uint32_t>(error);
  values_[index_of(RegisterId::irq_status)] |= kIrqDone;
}

bool CsrBank::irq_line() const {
  return (get(RegisterId::irq_status) & kIrqDone) && (get(RegisterId::ctrl) & kCtrlIrqEnable);
}

void CsrBank::clear_counters() {
  counters_.fill(0);
  latched_hi_.fill(0);
}

std::uint64_t CsrBank::descriptor_base() const {
  return (std::uint64_t{get(RegisterId::desc_base_hi)} << 32) | get(RegisterId::desc_base_lo);
}

std::optional<ClipForm> CsrBank::clip_form() const {
  switch (get(RegisterId::clip_mode)) {
    case 0: return ClipForm::relu;
    case 1: return ClipForm::hard;
    case 2: return ClipForm::saturate;
    default: return std::nullopt;
  }
}

float CsrBank::clip_threshold(std::uint32_t unit) { return decode_word(kActivationFormat, clip_threshold_word(unit)); }
float CsrBank::threshold_table_value(std::uint32_t index) { return decode_word(kActivationFormat, threshold_table_word(index)); }

}  // namespace proact
