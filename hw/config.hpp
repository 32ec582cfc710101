#pragma once
// The accelerator's configuration: one validated struct with defaults, named presets and a JSON
// form (docs/design.md section 7, Conventions: Gemmini-style configs). validate() names the field, its value and
// the allowed range; every module is built from a validated config.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hw/array/timing.hpp"
#include "hw/faults/ecc.hpp"
#include "models/kernels/gemm.hpp"
#include "models/numeric/format.hpp"

namespace proact {

// Activations (activation SRAM, clip thresholds) are always fp32 words.
inline constexpr Format kActivationFormat = Format::fp32;
inline constexpr int kActivationWordBytes = 4;

struct AcceleratorConfig {
  int array_rows = 32;                          // 1..256
  int array_cols = 32;                          // 1..256
  Dataflow dataflow = Dataflow::ws;
  std::uint64_t weight_sram_bytes = 256 * 1024;  // >= two tiles (double buffered), <= 256 MiB
  std::uint64_t act_sram_bytes = 256 * 1024;     // per ping-pong bank; >= one row of array_cols fp32 words
  std::uint64_t dram_bytes = 64ull << 20;        // 4 KiB..4 GiB, a multiple of 4
  // Weight SRAM word width, 8/16/24/32 bits. A word holds one weight in its low
  // format_bits(weight_format) bits, so it must be at least that wide.
  int sram_word_bits = 32;
  Format weight_format = Format::fp32;
  // The weight SRAM's error-correcting code: its codewords (data words plus check cells) must
  // tile each half of the double-buffered SRAM.
  EccScheme weight_sram_ecc = EccScheme::none;
  double dram_words_per_cycle = 4.0;  // 32-bit words per clock cycle, (0, 1024]
  long dram_latency_cycles = 100;     // first-word latency of a DRAM access, 0..1000000
  double clock_mhz = 1000.0;          // (0, 10000]
  TimingOptions timing;               // cycle convention; defaults reproduce SCALE-Sim
  bool validation_mode = false;       // per-PE, per-cycle array model; arrays up to 16x16 only
  double quantum_ns = 1000.0;         // TLM global quantum, (0, 1e9]
  long csr_latency_cycles = 1;        // added to every CSR bus access, 0..1000
  // THRESHOLD_TABLE words (fp32), 1..kThresholdTableMaxWords: every neuron-wise clip unit's
  // thresholds, each in its window (a neuron-wise method needs one word per clipped element).
  std::uint32_t threshold_table_words = 65536;
  // The compiler fuses a residual add and a pooling into the descriptor of the conv or dense (or
  // add) that feeds them, run by the post-processing unit on its output; false: every pool and add
  // is a descriptor of its own, its input read back from DRAM (only activations fuse).
  bool fuse_post_processing = true;
  // The compiler keeps a descriptor's result in the activation SRAM for its readers when it fits
  // there beside the other resident results (leaving a quarter of the SRAM to stage DRAM
  // transfers); false: every result goes to DRAM, staged through the whole SRAM.
  bool on_chip_activations = true;

  // Throws std::invalid_argument naming the first bad field, its value and the allowed range.
  void validate() const;

  std::uint64_t sram_word_bytes() const { return static_cast<std::uint64_t>(sram_word_bits / 8); }
  std::uint64_t weight_sram_words() const { return weight_sram_bytes / sram_word_bytes(); }
  std::uint64_t act_sram_words() const { return act_sram_bytes / kActivationWordBytes; }  // per bank
  std::uint64_t act_sram_total_words() const { return 2 * act_sram_words(); }              // both banks
  double clock_period_ns() const { return 1000.0 / clock_mhz; }
};

// "default" (32x32 WS, 256 KiB SRAMs, fp32), "edge-8x8" (int8 in 8-bit words, small SRAMs, slow
// DRAM, pipelined weight load), "scalesim-32x32" (SCALE-Sim v2's scale.cfg: 32x32 OS, 64 KiB
// SRAMs, 10 words/cycle, no DRAM latency), "validation-4x4" (per-PE validation mode).
std::vector<std::string> preset_names();
// Throws std::invalid_argument listing the preset names for an unknown name.
AcceleratorConfig preset(const std::string& name);

// JSON object with one key per field (dataflow "ws"/"os"/"is", weight_format as format_name,
// timing as an object of its four fields). config_from_json starts from the struct defaults, or
// from the preset named by an optional "preset" key, and overrides the keys present; unknown
// keys and wrong types throw std::invalid_argument naming the key; the result is validated.
nlohmann::json config_to_json(const AcceleratorConfig& config);
AcceleratorConfig config_from_json(const nlohmann::json& json);
// config_from_json of a file; errors name the file.
AcceleratorConfig load_config(const std::string& path);

}  // namespace proact
