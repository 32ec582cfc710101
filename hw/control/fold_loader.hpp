#pragma once
// The weight path of one GEMM layer, fold by fold in layer_folds order: the DMA stores each fold's
// weight block from DRAM into the weight-SRAM half it runs from (fold % 2), k-major at
// weight_sram_address, so SRAM row r feeds array row r; the array then reads the block back. Both
// go through the SRAM's fault hook, so a faulty cell hits whatever weight the fold keeps there.
#include <cstdint>
#include <vector>

#include "hw/array/weight_tiling.hpp"
#include "hw/control/device_fault.hpp"
#include "hw/memory/sram.hpp"

namespace proact {

class FoldLoader {
 public:
  // `weights`: the layer's W (groups * n, k) as stored words in DRAM; `index`: the descriptor's, for
  // errors. `reads_needed` false: the caller takes W from DRAM instead of the blocks read back,
  // which is exact only without a fault hook. Then each fold stores and reads only the words the
  // SRAM still holds after the layer and counts the rest as overwritten, which leaves the cells
  // and the access counts of full copies (WordMemory::count_overwritten).
  FoldLoader(WordMemory& weight_sram, const std::vector<LayerFold>& folds, const std::uint32_t* weights, long n,
             long k, std::uint32_t index, bool reads_needed);

  // Runs fold f's DMA and read-back. Returns the block as the array read it, W's rows [n0, n1) by
  // columns [k0, k1) of the fold's group, row-major, or nullptr when reads are not needed. Throws
  // DeviceFault (sram_overflow) for a block larger than half the SRAM.
  const std::uint32_t* load(std::size_t f);

 private:
  WordMemory& sram_;
  const std::vector<LayerFold>& folds_;
  const std::uint32_t* weights_;
  long n_, k_;
  std::uint32_t index_;
  bool reads_needed_;
  std::uint64_t half_;                   // words per half of the double-buffered SRAM
  std::vector<std::uint64_t> surviving_;  // without reads: per fold, its first word the SRAM keeps
  std::vector<std::uint32_t> words_;     // the fold's block as the SRAM holds it (k-major)
  std::vector<std::uint32_t> block_;     // ... and as load() returns it (row-major)
};

}  // namespace proact
