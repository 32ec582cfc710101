#pragma once
// The accelerator's register map, declared once (docs/design.md 2.8, "Registers"). The CSR bank
// decodes bus accesses from this table, the driver takes its offsets from it (register_offset or
// the constexpr accessors below, never a hand-copied number) and docs/registers.md is generated
// from it (register_map_markdown, `proact registers --markdown`).
//
// Every register is one 32-bit word at a 4-byte aligned offset of the CSR address space; a bus
// access must be exactly one aligned word. 64-bit counters are LO/HI pairs: reading LO latches
// the counter, HI then returns the upper half of that snapshot. Two windows of plain words follow
// the registers: per clip unit its layer-wise threshold and the window of the threshold table its
// neuron-wise thresholds occupy (base and length), then the threshold table itself, which holds
// thresholds as fp32 bit patterns (the activation format) and is sized by the config.
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace proact {

// RO: writes are access errors. RW: read/write. W1C: reads the flags, writing 1 clears a flag.
// WO: write-only command register, reads are access errors.
enum class Access { ro, rw, w1c, wo };
std::string_view access_name(Access access);  // "RO", "RW", "W1C", "WO"

// Registers in address order; kRegisters[i].id == RegisterId(i) (checked at compile time).
enum class RegisterId {
  id, version, ctrl, status, irq_status, error_code, scratch, counter_clear,
  desc_base_lo, desc_base_hi, desc_count, clip_mode,
  array_rows, array_cols, dataflow, weight_format, weight_sram_bytes, act_sram_bytes,
  clip_layers, threshold_table_words, weight_sram_ecc,
  cycles_lo, cycles_hi, stall_cycles_lo, stall_cycles_hi, macs_lo, macs_hi,
  weight_sram_reads_lo, weight_sram_reads_hi, weight_sram_writes_lo, weight_sram_writes_hi,
  act_sram_reads_lo, act_sram_reads_hi, act_sram_writes_lo, act_sram_writes_hi,
  dram_reads_lo, dram_reads_hi, dram_writes_lo, dram_writes_hi,
  weight_stall_cycles_lo, weight_stall_cycles_hi, input_stall_cycles_lo, input_stall_cycles_hi,
  output_stall_cycles_lo, output_stall_cycles_hi,
};

struct RegisterInfo {
  RegisterId id;
  std::string_view name;
  std::uint32_t offset;  // bytes from the CSR base
  int width_bits;        // always 32
  Access access;
  std::uint32_t reset;
  std::string_view meaning;
};

// A named group of bits inside a register; registers without fields are one 32-bit value.
struct BitField {
  RegisterId reg;
  std::string_view name;
  int lsb;
  int width;
  std::string_view meaning;
};

// An array of identical word registers: NAME[i] sits at base + 4 * i for 0 <= i < words.
struct RegisterWindow {
  std::string_view name;
  std::uint32_t base;
  std::uint32_t words;
  Access access;
  std::uint32_t reset;
  std::string_view meaning;
};

// Values of ERROR_CODE (valid while STATUS.ERROR is set); described in kDeviceErrors.
enum class DeviceError : std::uint32_t {
  none, bad_descriptor, dram_address, sram_overflow, bad_clip_mode, threshold_table_overflow,
};
struct DeviceErrorInfo {
  DeviceError code;
  std::string_view name;
  std::string_view meaning;
};
inline constexpr std::array kDeviceErrors = {
    DeviceErrorInfo{DeviceError::none, "NONE", "No error"},
    DeviceErrorInfo{DeviceError::bad_descriptor, "BAD_DESCRIPTOR",
                    "A descriptor field is out of range, DESC_COUNT is 0, or a clip unit's CLIP_TABLE_LENGTH is "
                    "neither 0 nor its layer's output elements"},
    DeviceErrorInfo{DeviceError::dram_address, "DRAM_ADDRESS", "A descriptor or a DMA transfer points outside DRAM"},
    DeviceErrorInfo{DeviceError::sram_overflow, "SRAM_OVERFLOW",
                    "A layer's tile does not fit the weight SRAM or an activation SRAM bank"},
    DeviceErrorInfo{DeviceError::bad_clip_mode, "BAD_CLIP_MODE", "CLIP_MODE holds the reserved value 3"},
    DeviceErrorInfo{DeviceError::threshold_table_overflow, "THRESHOLD_TABLE_OVERFLOW",
                    "A clip unit's table window (CLIP_TABLE_BASE + CLIP_TABLE_LENGTH) runs past THRESHOLD_TABLE_WORDS"},
};

inline constexpr std::uint32_t kDeviceIdMagic = 0x50524F41;  // "PROA"
// Major 2: THRESHOLD_TABLE_LAYER gave way to a table window per clip unit.
inline constexpr std::uint32_t kRegisterMapVersion = 0x00030000;  // major 3, minor 0
inline constexpr std::uint32_t kFp32PlusInfinity = 0x7F800000;  // threshold reset: no clipping
inline constexpr std::uint32_t kClipUnits = 64;
// The THRESHOLD_TABLE window's address space; the config sizes the table within it (default
// 65536 words), and words past THRESHOLD_TABLE_WORDS are unmapped.
inline constexpr std::uint32_t kThresholdTableMaxWords = 1u << 24;
inline constexpr std::uint32_t kDefaultThresholdTableWords = 65536;
inline constexpr std::uint32_t kCsrWordBytes = 4;

inline constexpr std::array kRegisters = {
    RegisterInfo{RegisterId::id, "ID", 0x000, 32, Access::ro, kDeviceIdMagic, "Device identifier, ASCII \"PROA\""},
    RegisterInfo{RegisterId::version, "VERSION", 0x004, 32, Access::ro, kRegisterMapVersion, "Register map version"},
    RegisterInfo{RegisterId::ctrl, "CTRL", 0x008, 32, Access::rw, 0, "Control"},
    RegisterInfo{RegisterId::status, "STATUS", 0x00C, 32, Access::ro, 0, "Run status"},
    RegisterInfo{RegisterId::irq_status, "IRQ_STATUS", 0x010, 32, Access::w1c, 0,
                 "Interrupt flags; the interrupt line is IRQ_STATUS.DONE and CTRL.IRQ_ENABLE"},
    RegisterInfo{RegisterId::error_code, "ERROR_CODE", 0x014, 32, Access::ro, 0,
                 "Why the last run failed (see Error codes); 0 when STATUS.ERROR is clear"},
    RegisterInfo{RegisterId::scratch, "SCRATCH", 0x018, 32, Access::rw, 0,
                 "Free word for the driver (bus checks); no effect on the device"},
    RegisterInfo{RegisterId::counter_clear, "COUNTER_CLEAR", 0x01C, 32, Access::wo, 0, "Performance counter commands"},
    RegisterInfo{RegisterId::desc_base_lo, "DESC_BASE_LO", 0x020, 32, Access::rw, 0,
                 "DRAM byte address of the layer descriptor list (64 words each), bits 31:0"},
    RegisterInfo{RegisterId::desc_base_hi, "DESC_BASE_HI", 0x024, 32, Access::rw, 0,
                 "DRAM byte address of the layer descriptor list, bits 63:32"},
    RegisterInfo{RegisterId::desc_count, "DESC_COUNT", 0x028, 32, Access::rw, 0, "Number of layer descriptors to run"},
    RegisterInfo{RegisterId::clip_mode, "CLIP_MODE", 0x030, 32, Access::rw, 0,
                 "Activation function of the clipping units"},
    RegisterInfo{RegisterId::array_rows, "ARRAY_ROWS", 0x040, 32, Access::ro, 32,
                 "Systolic array rows (from the accelerator config; reset shows the default preset)"},
    RegisterInfo{RegisterId::array_cols, "ARRAY_COLS", 0x044, 32, Access::ro, 32, "Systolic array columns (config)"},
    RegisterInfo{RegisterId::dataflow, "DATAFLOW", 0x048, 32, Access::ro, 0,
                 "Dataflow (config): 0 weight stationary, 1 output stationary, 2 input stationary"},
    RegisterInfo{RegisterId::weight_format, "WEIGHT_FORMAT", 0x04C, 32, Access::ro, 0,
                 "Weight storage format (config): 0 fp32, 1 fp16, 2 bf16, 3 int8, 4 int32, 5 q15.16"},
    RegisterInfo{RegisterId::weight_sram_bytes, "WEIGHT_SRAM_BYTES", 0x050, 32, Access::ro, 262144,
                 "Weight SRAM capacity in bytes (config)"},
    RegisterInfo{RegisterId::act_sram_bytes, "ACT_SRAM_BYTES", 0x054, 32, Access::ro, 262144,
                 "Activation SRAM capacity per ping-pong bank in bytes (config)"},
    RegisterInfo{RegisterId::clip_layers, "CLIP_LAYERS", 0x058, 32, Access::ro, kClipUnits,
                 "Number of clip units (CLIP_THRESHOLD, CLIP_TABLE_BASE and CLIP_TABLE_LENGTH words)"},
    RegisterInfo{RegisterId::threshold_table_words, "THRESHOLD_TABLE_WORDS", 0x05C, 32, Access::ro,
                 kDefaultThresholdTableWords, "Number of THRESHOLD_TABLE words (config)"},
    RegisterInfo{RegisterId::weight_sram_ecc, "WEIGHT_SRAM_ECC", 0x060, 32, Access::ro, 0,
                 "Weight SRAM error-correcting code (config): 0 none, 1 parity, 2 SECDED (39,32), 3 SECDED (72,64)"},
    RegisterInfo{RegisterId::cycles_lo, "CYCLES_LO", 0x100, 32, Access::ro, 0, "Clock cycles of the runs, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::cycles_hi, "CYCLES_HI", 0x104, 32, Access::ro, 0, "Clock cycles, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::stall_cycles_lo, "STALL_CYCLES_LO", 0x108, 32, Access::ro, 0,
                 "Cycles stalled on DRAM, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::stall_cycles_hi, "STALL_CYCLES_HI", 0x10C, 32, Access::ro, 0, "Stall cycles, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::macs_lo, "MACS_LO", 0x110, 32, Access::ro, 0, "Multiply-accumulates performed, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::macs_hi, "MACS_HI", 0x114, 32, Access::ro, 0, "MACs, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::weight_sram_reads_lo, "WEIGHT_SRAM_READS_LO", 0x118, 32, Access::ro, 0,
                 "Weight SRAM words read, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::weight_sram_reads_hi, "WEIGHT_SRAM_READS_HI", 0x11C, 32, Access::ro, 0,
                 "Weight SRAM words read, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::weight_sram_writes_lo, "WEIGHT_SRAM_WRITES_LO", 0x120, 32, Access::ro, 0,
                 "Weight SRAM words written, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::weight_sram_writes_hi, "WEIGHT_SRAM_WRITES_HI", 0x124, 32, Access::ro, 0,
                 "Weight SRAM words written, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::act_sram_reads_lo, "ACT_SRAM_READS_LO", 0x128, 32, Access::ro, 0,
                 "Activation SRAM words read, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::act_sram_reads_hi, "ACT_SRAM_READS_HI", 0x12C, 32, Access::ro, 0,
                 "Activation SRAM words read, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::act_sram_writes_lo, "ACT_SRAM_WRITES_LO", 0x130, 32, Access::ro, 0,
                 "Activation SRAM words written, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::act_sram_writes_hi, "ACT_SRAM_WRITES_HI", 0x134, 32, Access::ro, 0,
                 "Activation SRAM words written, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::dram_reads_lo, "DRAM_READS_LO", 0x138, 32, Access::ro, 0,
                 "DRAM words (4 bytes) read, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::dram_reads_hi, "DRAM_READS_HI", 0x13C, 32, Access::ro, 0,
                 "DRAM words read, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::dram_writes_lo, "DRAM_WRITES_LO", 0x140, 32, Access::ro, 0,
                 "DRAM words (4 bytes) written, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::dram_writes_hi, "DRAM_WRITES_HI", 0x144, 32, Access::ro, 0,
                 "DRAM words written, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::weight_stall_cycles_lo, "WEIGHT_STALL_CYCLES_LO", 0x148, 32, Access::ro, 0,
                 "Stall cycles waiting for weight blocks (and biases), bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::weight_stall_cycles_hi, "WEIGHT_STALL_CYCLES_HI", 0x14C, 32, Access::ro, 0,
                 "Weight stall cycles, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::input_stall_cycles_lo, "INPUT_STALL_CYCLES_LO", 0x150, 32, Access::ro, 0,
                 "Stall cycles waiting for input tiles, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::input_stall_cycles_hi, "INPUT_STALL_CYCLES_HI", 0x154, 32, Access::ro, 0,
                 "Input stall cycles, bits 63:32 at the last LO read"},
    RegisterInfo{RegisterId::output_stall_cycles_lo, "OUTPUT_STALL_CYCLES_LO", 0x158, 32, Access::ro, 0,
                 "Stall cycles waiting for output tiles to drain, bits 31:0 (latches HI)"},
    RegisterInfo{RegisterId::output_stall_cycles_hi, "OUTPUT_STALL_CYCLES_HI", 0x15C, 32, Access::ro, 0,
                 "Output stall cycles, bits 63:32 at the last LO read"},
};
inline constexpr std::size_t kRegisterCount = kRegisters.size();

inline constexpr std::array kBitFields = {
    BitField{RegisterId::version, "MINOR", 0, 16, "Minor version: additions only"},
    BitField{RegisterId::version, "MAJOR", 16, 16, "Major version: incompatible changes"},
    BitField{RegisterId::ctrl, "START", 0, 1,
             "Write 1 to run the descriptor list: STATUS reads BUSY from then on; self-clearing (reads 0); "
             "ignored while STATUS.BUSY"},
    BitField{RegisterId::ctrl, "SOFT_RESET", 1, 1,
             "Write 1 to abort a run and clear STATUS, IRQ_STATUS, ERROR_CODE and the counters; self-clearing "
             "(reads 0); programmed registers and thresholds are kept"},
    BitField{RegisterId::ctrl, "IRQ_ENABLE", 2, 1, "Drive the interrupt line while IRQ_STATUS.DONE is set"},
    BitField{RegisterId::status, "BUSY", 0, 1, "A run is in progress"},
    BitField{RegisterId::status, "DONE", 1, 1, "The last run has ended (cleared by START and SOFT_RESET)"},
    BitField{RegisterId::status, "ERROR", 2, 1, "The last run ended with an error (see ERROR_CODE)"},
    BitField{RegisterId::irq_status, "DONE", 0, 1, "Set when a run ends, with or without error; write 1 to clear"},
    BitField{RegisterId::counter_clear, "CLEAR", 0, 1, "Write 1 to zero all performance counters"},
    BitField{RegisterId::clip_mode, "MODE", 0, 2,
             "0 ReLU (thresholds ignored), 1 clip to zero: x if 0 < x <= T else 0 (ProAct hard form), "
             "2 saturate: min(max(x, 0), T) (Ranger); 3 reserved (the run fails with ERROR_CODE 4)"},
};

inline constexpr std::array kRegisterWindows = {
    RegisterWindow{"CLIP_THRESHOLD", 0x400, kClipUnits, Access::rw, kFp32PlusInfinity,
                   "Layer-wise threshold of clip unit i (used while CLIP_TABLE_LENGTH[i] is 0), fp32 bits "
                   "(reset +inf: no clipping)"},
    RegisterWindow{"CLIP_TABLE_BASE", 0x500, kClipUnits, Access::rw, 0,
                   "First THRESHOLD_TABLE word of clip unit i's neuron-wise thresholds"},
    RegisterWindow{"CLIP_TABLE_LENGTH", 0x600, kClipUnits, Access::rw, 0,
                   "Neuron-wise thresholds of clip unit i: 0 for a layer-wise unit (CLIP_THRESHOLD[i]), else its "
                   "layer's output elements per sample, element j clipped by THRESHOLD_TABLE[CLIP_TABLE_BASE[i] + j]"},
    RegisterWindow{"THRESHOLD_TABLE", 0x10000, kThresholdTableMaxWords, Access::rw, kFp32PlusInfinity,
                   "Neuron-wise thresholds of every clip unit, each in its window, fp32 bits (reset +inf); the "
                   "first THRESHOLD_TABLE_WORDS words exist, the rest are unmapped"},
};
inline constexpr std::size_t kClipThresholdWindow = 0;
inline constexpr std::size_t kClipTableBaseWindow = 1;
inline constexpr std::size_t kClipTableLengthWindow = 2;
inline constexpr std::size_t kThresholdTableWindow = 3;
// Bytes of CSR address space the map decodes (end of the last window).
inline constexpr std::uint64_t kCsrSpaceBytes =
    std::uint64_t{kRegisterWindows.back().base} + std::uint64_t{kRegisterWindows.back().words} * kCsrWordBytes;

constexpr const RegisterInfo& register_info(RegisterId id) { return kRegisters[static_cast<std::size_t>(id)]; }
constexpr std::uint32_t register_offset(RegisterId id) { return register_info(id).offset; }

constexpr std::uint32_t bit_field_mask(const BitField& f) {
  return (f.width == 32 ? 0xFFFFFFFFu : ((1u << f.width) - 1u)) << f.lsb;
}
// The mask of field `name` of register `reg`; in a constant expression an unknown field is a
// compile error, at run time it throws std::out_of_range.
constexpr std::uint32_t field_mask(RegisterId reg, std::string_view name) {
  for (const BitField& f : kBitFields)
    if (f.reg == reg && f.name == name) return bit_field_mask(f);
  throw std::out_of_range("register has no such bit field");
}
// The bits a write can change: the union of the register's fields, or all 32 bits without fields.
constexpr std::uint32_t writable_mask(RegisterId reg) {
  std::uint32_t mask = 0;
  bool has_fields = false;
  for (const BitField& f : kBitFields)
    if (f.reg == reg) {
      has_fields = true;
      mask |= bit_field_mask(f);
    }
  return has_fields ? mask : 0xFFFFFFFFu;
}

// Bit masks the controller, the bank and the driver use (generated from kBitFields).
inline constexpr std::uint32_t kCtrlStart = field_mask(RegisterId::ctrl, "START");
inline constexpr std::uint32_t kCtrlSoftReset = field_mask(RegisterId::ctrl, "SOFT_RESET");
inline constexpr std::uint32_t kCtrlIrqEnable = field_mask(RegisterId::ctrl, "IRQ_ENABLE");
inline constexpr std::uint32_t kStatusBusy = field_mask(RegisterId::status, "BUSY");
inline constexpr std::uint32_t kStatusDone = field_mask(RegisterId::status, "DONE");
inline constexpr std::uint32_t kStatusError = field_mask(RegisterId::status, "ERROR");
inline constexpr std::uint32_t kIrqDone = field_mask(RegisterId::irq_status, "DONE");
inline constexpr std::uint32_t kCounterClear = field_mask(RegisterId::counter_clear, "CLEAR");

// The 64-bit performance counters, each a LO/HI register pair in this order.
enum class Counter {
  cycles, stall_cycles, macs, weight_sram_reads, weight_sram_writes,
  act_sram_reads, act_sram_writes, dram_reads, dram_writes,
  weight_stall_cycles, input_stall_cycles, output_stall_cycles,  // STALL_CYCLES by cause
};
inline constexpr std::size_t kCounterCount = 12;
constexpr RegisterId counter_lo(Counter c) {
  return static_cast<RegisterId>(static_cast<int>(RegisterId::cycles_lo) + 2 * static_cast<int>(c));
}
constexpr RegisterId counter_hi(Counter c) {
  return static_cast<RegisterId>(static_cast<int>(counter_lo(c)) + 1);
}
std::string counter_name(Counter c);  // "CYCLES", ..., "OUTPUT_STALL_CYCLES"

// Name lookups; a window word is named like "CLIP_THRESHOLD[3]". Unknown names and window
// indices out of range throw std::out_of_range naming them.
const RegisterInfo& register_info(std::string_view name);
std::uint32_t register_offset(std::string_view name);
std::uint32_t clip_threshold_offset(std::uint32_t layer);
std::uint32_t threshold_table_offset(std::uint32_t index);

// What a CSR offset selects. Offsets that are not word aligned or fall in a gap are unmapped.
struct DecodedAddress {
  enum class Kind { unmapped, register_, window };
  Kind kind = Kind::unmapped;
  RegisterId id = RegisterId::id;  // for register_
  std::size_t window = 0;          // for window: index into kRegisterWindows
  std::uint32_t index = 0;         // for window: word index inside it
};
DecodedAddress decode_offset(std::uint64_t offset);

// The register map as documentation: docs/registers.md is exactly register_map_markdown().
std::string register_map_markdown();
std::string register_map_json();  // {"registers": [...], "windows": [...], "error_codes": [...]}

// Checked at compile time: ids in order, aligned ascending offsets, windows above the registers.
constexpr bool register_map_is_consistent() {
  for (std::size_t i = 0; i < kRegisters.size(); ++i) {
    if (static_cast<std::size_t>(kRegisters[i].id) != i || kRegisters[i].width_bits != 32) return false;
    if (kRegisters[i].offset % kCsrWordBytes != 0) return false;
    if (i > 0 && kRegisters[i].offset <= kRegisters[i - 1].offset) return false;
  }
  std::uint64_t end = kRegisters.back().offset + kCsrWordBytes;
  for (const RegisterWindow& w : kRegisterWindows) {
    if (w.base % kCsrWordBytes != 0 || w.base < end) return false;
    end = std::uint64_t{w.base} + std::uint64_t{w.words} * kCsrWordBytes;
  }
  for (const BitField& f : kBitFields)
    if (f.lsb < 0 || f.width < 1 || f.lsb + f.width > 32) return false;
  for (std::size_t i = 0; i < kDeviceErrors.size(); ++i)
    if (static_cast<std::size_t>(kDeviceErrors[i].code) != i) return false;
  return static_cast<std::size_t>(Counter::output_stall_cycles) + 1 == kCounterCount &&
         static_cast<std::size_t>(counter_hi(Counter::output_stall_cycles)) + 1 == kRegisters.size();
}
static_assert(register_map_is_consistent(), "register map table is inconsistent");

}  // namespace proact
