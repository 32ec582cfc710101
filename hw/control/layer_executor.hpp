#pragma once
// The accelerator's datapath as plain C++ state (no SystemC kernel): executes one layer
// descriptor against DRAM contents, the weight SRAM and the CSR bank's thresholds, and returns
// what the layer cost (hw/control/layer_timing.hpp). The controller module only adds time and bus plumbing.
//
// Per GEMM layer (conv, dense), fold by fold in the order of layer_folds (hw/array/weight_tiling.hpp:
// a grouped conv runs its groups' GEMMs one after another):
//   DMA   the fold's weight block, DRAM -> weight SRAM half (fold index % 2), through the store hooks
//   array reads the block back through the read hooks, decodes it (models/numeric) and
//         accumulates the fold (hw/array/array_numerics.hpp)
// When every weight reads back the same bits in each fold that loads it (always so without a
// fault hook, and for any permanent fault in weight-stationary mode), the fp32 product is taken
// in one ordered conv/dense call over the read-back weights, which the accumulation-order
// contract makes bit-identical to the fold-by-fold sum; otherwise the folds run one by one.
// Without a fault hook the folds still store and read their blocks (cells and counters as with
// one), and W is decoded once from the DRAM words, which is what every read returns.
// then the activation pipeline: accumulate -> bias -> clamp -> clip unit -> fp32 activation words, staged
// in the ping-pong activation SRAM and drained to DRAM.
// Pools, residual add, concat, pad and stand-alone activations run in the activation unit, one
// element per array column per cycle.
//
// Weight SRAM layout: weight_sram_address (hw/array/weight_tiling.hpp), so a faulty cell hits whatever
// weight the current fold keeps there.
//
// Validation mode (config.validation_mode): the folds still go through the weight SRAM, but the
// products come from the per-PE, per-cycle model (hw/array/pe_array.hpp) run on the weights read back;
// its cycle count must equal the timing model's for the array alone (SCALE-Sim convention, or
// trimmed partial folds), else the executor throws std::logic_error.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/config.hpp"
#include "hw/control/csr_bank.hpp"
#include "hw/interface/layer_descriptor.hpp"
#include "hw/control/layer_timing.hpp"
#include "hw/memory/sram.hpp"

namespace proact {

// Raw view of the DRAM contents (a DMI pointer).
struct DramView {
  unsigned char* bytes = nullptr;
  std::uint64_t size = 0;
};

// Why a layer could not run; the controller reports it in ERROR_CODE.
class DeviceFault : public std::runtime_error {
 public:
  DeviceFault(DeviceError code, const std::string& what) : std::runtime_error(what), code_(code) {}
  DeviceError code() const { return code_; }

 private:
  DeviceError code_;
};

class LayerExecutor {
 public:
  // config must be validated; the memories and csr outlive the executor.
  LayerExecutor(const AcceleratorConfig& config, WordMemory& weight_sram, ActivationSram& act_sram, CsrBank& csr);

  // Runs descriptor `index` of the current list. Throws DeviceFault for an address outside DRAM,
  // a fold that does not fit the weight SRAM, a bad clip mode or threshold slot.
  LayerReport execute(const LayerDescriptor& d, std::uint32_t index, DramView dram);

 private:
  void run_gemm(const LayerDescriptor& d, std::uint32_t index, DramView dram);
  void run_vector(const LayerDescriptor& d, std::uint32_t index, DramView dram);
  // The clamp and clip unit on one layer's output buffer (batch, elements) in place.
  void post_process(const LayerDescriptor& d, std::uint32_t index, float* values);

  const AcceleratorConfig& config_;
  WordMemory& weight_sram_;
  ActivationSram& act_sram_;
  CsrBank& csr_;
};

}  // namespace proact
