#pragma once
// The DMA schedule of one layer (plain C++, no SystemC): the layer runs as a sequence of steps (the
// chunks of a GEMM layer's folds, an activation-unit layer's tiles), and the DMA engine moves each step's
// operands over the one DRAM channel (hw/memory/dram_channel.hpp) while the step before computes:
// - a step's weight block and input tile are read into the free halves of the double-buffered
//   weight SRAM and input bank, issued when the step before starts (step 0's at cycle 0, weights
//   first); the step waits until both have arrived;
// - a step that completes an output tile writes it to DRAM when it ends (posted); output tiles
//   alternate between two halves of the output bank, so a step that opens output tile t waits
//   until tile t - 2 has drained, and the layer ends when its last tile has.
// A step's wait is charged to the operands in the order weights, inputs, outputs: each takes the
// part of the wait that the ones before it do not explain. The wait after the last step (the
// last output tile draining beyond the pipeline latency) is charged to outputs.
#include <string>
#include <vector>

#include "hw/config.hpp"

namespace proact {

enum class DmaKind { weights, input, output };  // what a transfer moves, and what a wait on it is charged to
std::string dma_kind_name(DmaKind kind);         // "weights", "input", "output"

struct DmaStep {
  long fold = -1;  // GEMM: the fold this step is part of (a fold streams in chunks); else -1
  long compute_cycles = 0;
  long weight_words = 0;  // read before the step starts (fold 0: also the bias and scales)
  long input_words = 0;   // read before the step starts (0: already on chip)
  long output_words = 0;  // written when the step ends, if it closes an output tile (0: stays on chip)
  bool opens_output_tile = true;
  bool closes_output_tile = true;
};

struct DmaTransfer {
  DmaKind kind = DmaKind::weights;
  std::size_t step = 0;  // the step it feeds (reads) or drains (writes)
  long words = 0;
  long issue_cycle = 0, end_cycle = 0;  // layer-relative
};

struct StepRecord {
  long fold = -1;        // as in DmaStep
  long start_cycle = 0;  // layer-relative cycle the step starts computing
  long compute_cycles = 0;
  long weight_stall = 0, input_stall = 0, output_stall = 0;  // cycles the step waited before it started
  long stall_cycles() const { return weight_stall + input_stall + output_stall; }
};

struct DmaSchedule {
  std::vector<StepRecord> steps;
  std::vector<DmaTransfer> transfers;  // in issue order
  long tail_stall = 0;  // after the last step and the pipeline latency: output draining
  long end_cycle = 0;   // the layer's cycles: compute + every stall
  long dram_reads = 0, dram_writes = 0;  // words
};

// Schedules `steps` in order; `pipeline_latency` cycles follow the last step's compute.
DmaSchedule schedule_steps(const std::vector<DmaStep>& steps, long pipeline_latency, const AcceleratorConfig& config);

}  // namespace proact
