#pragma once
// What one layer descriptor costs on the accelerator, in cycles and memory traffic, as a plain
// function of the descriptor and the config: the SystemC controller annotates these times and
// the functional engine reports the same numbers without simulating.
//
// GEMM layers (conv, dense): folds from layer_folds (hw/array/weight_tiling.hpp; a grouped conv's groups
// one after another, as SCALE-Sim runs a depthwise layer: one GEMM per channel group). DMA: a transfer of w words
// takes dram_latency_cycles + ceil(w / dram_words_per_cycle); the layer's input and the first
// fold's weight block are fetched before the first fold, and each next fold's weight block is
// fetched while the current fold computes (double-buffered weight SRAM); the array stalls when
// the block is late. Outputs are staged in the ping-pong activation SRAM and drain to DRAM
// behind the computation (counted, not timed).
// Activation-unit layers (pools, add, activation, concat, pad): one input element per array column per cycle,
// streamed from DRAM; the unit stalls for the DRAM latency and for a transfer slower than itself. The pipeline latency option is added to every layer.
#include <vector>

#include "hw/config.hpp"
#include "hw/interface/layer_descriptor.hpp"

namespace proact {

struct FoldRecord {
  long start_cycle = 0;  // layer-relative cycle at which the fold starts computing
  long compute_cycles = 0;
  long stall_cycles = 0;  // cycles the array waited for this fold's data
  long dma_words = 0;     // this fold's DMA: its weight block (fold 0: also the layer input)
  long dma_start_cycle = 0, dma_end_cycle = 0;  // layer-relative
};

struct LayerReport {
  LayerOp op = LayerOp::conv;
  std::uint32_t node = 0;
  long compute_cycles = 0;  // array (or activation unit) busy cycles, with the pipeline latency
  long stall_cycles = 0;    // waiting for DMA
  long total_cycles = 0;    // compute + stall
  long macs = 0;            // useful multiply-accumulates
  long dram_reads = 0, dram_writes = 0;  // 32-bit words
  long weight_sram_words = 0;            // words stored into (and read back from) the weight SRAM
  long act_words = 0;                    // output words staged through the activation SRAM (written, then drained)
  std::vector<FoldRecord> folds;         // GEMM layers only
  // MACs over the PE-cycles of the layer (R x C PEs for total_cycles), in [0, 1].
  double utilisation(int rows, int cols) const;
  // Adds another run of the same descriptor (counts and cycles; folds kept from the first).
  void accumulate(const LayerReport& other);
};

LayerReport layer_timing(const LayerDescriptor& d, const AcceleratorConfig& config);

// Cycles of a DRAM transfer of `words` 32-bit words (0 for none).
long dma_cycles(long words, const AcceleratorConfig& config);

}  // namespace proact
