#pragma once
// What one layer descriptor costs on the accelerator, in cycles and memory traffic, as a plain
// function of the descriptor and the config: the SystemC controller annotates these times and
// the functional engine reports the same numbers without simulating.
//
// A layer runs as steps scheduled by hw/control/dma_schedule.hpp on the one DRAM channel, its
// DMA overlapped with its computation, through the descriptor's staging words S of the
// activation SRAM (the whole SRAM, 2 banks, unless resident results take part of it):
// - GEMM layers (conv, dense): one step per fold of layer_folds (hw/array/weight_tiling.hpp; a
//   grouped conv's groups one after another), computing for the fold's cycles
//   (hw/array/timing.hpp). Each fold reads its weight block (fold 0 also the bias, and the scales
//   of int8) and its input tile: the part of the layer input in proportion to the fold's share
//   of the group's K x M (ws: its K rows; os: its M rows; is: both). When the whole input fits in
//   S / 2 it is fetched once, tile by tile as folds first need it; otherwise every fold fetches
//   its tile, again on reuse. A fold whose K range ends at K completes its outputs and writes them
//   to DRAM (pooled, if a pool is fused), reading a fused residual add's operand for them with its
//   input tile. A fold streams: it runs as chunks of at most S / 4 input and output words (its
//   cycles, input and outputs split evenly over them, its weight block before the first), each
//   closing chunk filling one half of the output staging.
// - Activation-unit layers (pools, add, activation, concat, pad, batch norm): tiles of S / 4
//   input words (an add's two operands together), each computing one input word per array
//   column per cycle and moving its share of the operands in DRAM and of the output (a batch
//   norm's parameters come with the first tile).
// An operand or result on chip moves no DRAM words. The pipeline latency option is added to
// every layer.
#include <vector>

#include "hw/config.hpp"
#include "hw/control/dma_schedule.hpp"
#include "hw/interface/layer_descriptor.hpp"

namespace proact {

struct LayerReport {
  LayerOp op = LayerOp::conv;
  std::uint32_t node = 0;
  long compute_cycles = 0;  // array (or activation unit) busy cycles, with the pipeline latency
  long stall_cycles = 0;    // waiting for DMA: the sum of the three causes
  long weight_stall_cycles = 0, input_stall_cycles = 0, output_stall_cycles = 0;
  long total_cycles = 0;    // compute + stall
  long macs = 0;            // useful multiply-accumulates
  long vector_words = 0;    // activation-unit layers: input words processed (array_cols per cycle at best)
  long dram_reads = 0, dram_writes = 0;  // 32-bit words
  long weight_sram_words = 0;            // words stored into (and read back from) the weight SRAM
  long act_reads = 0, act_writes = 0;    // activation SRAM words: results written (staged results also read
                                         // back), operands on chip read
  long clip_compares = 0;                // outputs through a clip unit (post clip): one threshold read and compare each
  // GEMM layers: PE-cycles of the folds' compute not spent on MACs: PEs of a fold filling and
  // draining, and PEs a partial fold leaves idle (plus the pipeline latency's, counted as fill).
  long fill_drain_pe_cycles = 0, partial_fold_pe_cycles = 0;
  long folds = 0;                      // GEMM: folds of layer_folds
  std::vector<StepRecord> steps;       // GEMM: the folds' chunks; activation unit: its tiles
  std::vector<DmaTransfer> transfers;  // every DRAM transfer, in issue order

  // MACs over the PE-cycles of the layer (R x C PEs for total_cycles), in [0, 1].
  double utilisation(int rows, int cols) const;
  long dram_bytes() const { return 4 * (dram_reads + dram_writes); }
  // Adds another run of the same descriptor (counts and cycles; steps and transfers kept from the first).
  void accumulate(const LayerReport& other);
};

LayerReport layer_timing(const LayerDescriptor& d, const AcceleratorConfig& config);

// The roofline of the configured accelerator: no layer can take fewer cycles than its MACs on
// every PE (plus its activation-unit words on every column) or than its DRAM words at the
// channel's bandwidth. layer_timing never goes below max(compute, memory) (a test holds it).
struct RooflineBound {
  long compute_cycles = 0;  // ceil(macs / (R C)) + ceil(vector_words / C)
  long memory_cycles = 0;   // ceil((dram_reads + dram_writes) / dram_words_per_cycle)
  long cycles() const { return compute_cycles > memory_cycles ? compute_cycles : memory_cycles; }
};
RooflineBound roofline_bound(const LayerReport& report, const AcceleratorConfig& config);

// Where the array's PE-cycles (R x C x total_cycles) go: MACs, and the reasons for the loss.
// The parts add up to total().
struct PeCycles {
  long macs = 0;
  long fill_drain = 0, partial_folds = 0;                  // GEMM folds' compute off MACs
  long weight_stalls = 0, input_stalls = 0, output_stalls = 0;
  long activation_unit = 0;                                // the array idles while the activation unit computes
  long total() const;
  PeCycles& operator+=(const PeCycles& other);
};
PeCycles pe_cycles(const LayerReport& report, const AcceleratorConfig& config);

}  // namespace proact
