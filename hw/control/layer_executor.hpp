#pragma once
// The accelerator's datapath as plain C++ state (no SystemC kernel): executes one layer
// descriptor against DRAM contents, the weight SRAM and the CSR bank's thresholds, and returns
// what the layer cost (hw/control/layer_timing.hpp). The controller module only adds time and bus plumbing.
//
// Per GEMM layer (conv, dense), fold by fold in the order of layer_folds (hw/array/weight_tiling.hpp:
// a grouped conv runs its groups' GEMMs one after another), the fold loader
// (hw/control/fold_loader.hpp) moves the fold's weight block DRAM -> weight SRAM half -> array,
// through the SRAM's hooks, and one of the accumulation strategies of
// hw/array/fold_accumulation.hpp turns the blocks read back into the layer's sums: one ordered
// product while every weight reads back the same bits in each fold that loads it (always so
// without a fault hook, and for any permanent fault in weight-stationary mode), else fold by fold;
// int8 always fold by fold. Without a fault hook W is taken from DRAM, which is what every read
// returns, and the loader copies only the words the SRAM keeps (cells and counters as with a hook).
// Then the post-processing unit: accumulate -> bias -> residual add -> clamp -> clip unit -> pool ->
// fp32 activation words, kept in the activation SRAM for the next layers (output_on_chip) or
// staged through it and drained to DRAM. Operands on chip are read from it through its hooks.
// Pools, residual add, concat, pad and stand-alone activations run in the activation unit, one
// element per array column per cycle.
//
// Weight SRAM layout: weight_sram_address (hw/array/weight_tiling.hpp), so a faulty cell hits whatever
// weight the current fold keeps there.
//
// Validation mode (config.validation_mode): the folds still go through the weight SRAM, but the
// products come from the per-PE, per-cycle model (hw/array/pe_array.hpp) run on the weights read
// back, whose cycle count must equal the timing model's for the array alone, else the executor
// throws std::logic_error.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/config.hpp"
#include "hw/control/csr_bank.hpp"
#include "hw/control/device_fault.hpp"
#include "hw/interface/layer_descriptor.hpp"
#include "hw/control/layer_timing.hpp"
#include "hw/memory/sram.hpp"

namespace proact {

// Raw view of the DRAM contents (a DMI pointer).
struct DramView {
  unsigned char* bytes = nullptr;
  std::uint64_t size = 0;
};

class LayerExecutor {
 public:
  // config must be validated; the memories and csr outlive the executor.
  LayerExecutor(const AcceleratorConfig& config, WordMemory& weight_sram, ActivationSram& act_sram, CsrBank& csr);

  // Runs descriptor `index` of the current list. Throws DeviceFault for an address outside DRAM,
  // a fold that does not fit the weight SRAM, a bad clip mode, clip unit or table window.
  LayerReport execute(const LayerDescriptor& d, std::uint32_t index, DramView dram);

 private:
  void run_gemm(const LayerDescriptor& d, std::uint32_t index, DramView dram);
  void run_vector(const LayerDescriptor& d, std::uint32_t index, DramView dram);
  // The post-processing unit on the op's output `values` (batch, output elements), in place: the
  // residual add, the activation pipeline, then the fused pool into `result` (values itself
  // without one); the result is stored in the activation SRAM when it stays on chip, else
  // staged through it on its way to DRAM.
  void post_processing_unit(const LayerDescriptor& d, std::uint32_t index, DramView dram, float* values, float* result);
  // An input operand of `count` words: a span of DRAM, or read from the activation SRAM (through
  // its hooks) into `copy`. Throws DeviceFault naming `what` for a range outside DRAM or the SRAM.
  const float* read_operand(bool on_chip, std::uint64_t address, std::uint64_t count, const char* what,
                            std::uint32_t index, DramView dram, std::vector<float>& copy);
  // Where the result is computed: its DRAM span, or `copy` when it stays on chip (stored into the
  // SRAM by post_processing_unit).
  float* result_buffer(const LayerDescriptor& d, std::uint32_t index, DramView dram, std::vector<float>& copy);
  void check_on_chip(std::uint64_t address, std::uint64_t count, const char* what, std::uint32_t index) const;
  // The descriptor's staging words (0: the whole SRAM); DeviceFault when fewer than 4 or more than the SRAM.
  std::uint64_t stage_words(const LayerDescriptor& d, std::uint32_t index) const;
  // The clamp and clip unit on one layer's output buffer (batch, elements) in place.
  void post_process(const LayerDescriptor& d, std::uint32_t index, float* values);

  const AcceleratorConfig& config_;
  WordMemory& weight_sram_;
  ActivationSram& act_sram_;
  CsrBank& csr_;
};

}  // namespace proact
