#pragma once
// Memory stall model: how many cycles the array waits for DRAM in one layer (plain C++, no
// SystemC). It approximates SCALE-Sim v2's USER-bandwidth memory system (double_buffered_scratchpad
// with read_buffer / write_buffer) without simulating addresses, so it is fast (AlexNet's five conv
// layers on a 32x32 array take milliseconds) and its inputs are plain numbers a DMA model can feed:
// per-fold traffic in words, SRAM sizes in words, DRAM bandwidth in words per cycle and latency.
//
// What it models, per layer (each layer starts with empty buffers, like SCALE-Sim):
// - Read operands (ifmap, filter), each a double-buffered SRAM of S words: an active half
//   A = ceil(S/2) the array reads and a prefetch half P = S - A. The operand's fetch stream (one
//   pass over its operand matrix in fetch order, `stream_words`) is read in demand order. If the
//   stream fits in A it is loaded before the layer starts (SCALE-Sim schedules that fill at
//   negative cycles) and never stalls. Otherwise DRAM delivers prefetch chunks of P words back to
//   back, each taking ceil(P / bandwidth) + latency cycles from the end of the previous one,
//   whether or not the array is waiting; every time the array's position in the stream (passes
//   wrap around) crosses the next window boundary, a chunk is due, and the array stalls until it
//   has arrived.
// - The ofmap, a double-buffered write SRAM of S words: writes fill it; when more than S - D words
//   (D = S - ceil(S/2), the drain half) are held and no drain is in flight, a drain of
//   ceil(D / bandwidth) full DRAM lines starts and runs for that many cycles in the background
//   (writes are posted: no latency); the array stalls only when the buffer is full while a drain
//   is in flight. The final flush after the layer's last cycle is not counted (nor in SCALE-Sim).
// - Each cycle's stall is the largest of the three operands' (they have independent DRAM ports,
//   as in SCALE-Sim), and stalls push every later demand back.
//
// Approximations against SCALE-Sim (documented in docs/cycles.md with measured differences):
// - Demand is spread evenly over each operand's active cycles within a fold (SCALE-Sim walks the
//   exact skewed address matrices), and stream position stands in for addresses: an im2col
//   address that repeats later in the stream is not a hit here.
// - Window boundaries are every A/2 words, not every A: SCALE-Sim's hashed-line window, rotated
//   one chunk per miss, ping-pongs at chunk boundaries (the skewed demand steps back across a
//   boundary it has just crossed), so it issues 2n + 1 chunk fetches where n half-buffer
//   boundaries are crossed. A/2 reproduces that count and its reference stall cycles.
// - SCALE-Sim adds a positive read stall twice (read_buffer.service_reads); `double_count_read_stalls`
//   (on by default) reproduces that; off gives the physical wait.
#include <vector>

#include "hw/array/timing.hpp"

namespace proact {

// Words one operand moves in one fold, spread evenly over fold cycles [begin, end).
// Reads: words newly needed from the operand's fetch stream; ofmap: words written.
struct OperandTraffic {
  long words = 0;
  long begin = 0, end = 0;
};

struct FoldTraffic {
  long cycles = 0;  // the fold's stall-free cycles
  OperandTraffic ifmap, filter, ofmap;
};

struct MemoryConfig {
  long ifmap_sram_words = 64 * 1024;  // SCALE-Sim: IfmapSramSzkB * 1024 (1-byte words)
  long filter_sram_words = 64 * 1024;
  long ofmap_sram_words = 64 * 1024;
  long bandwidth_words_per_cycle = 10;  // per SRAM's DRAM port (SCALE-Sim's Bandwidth, USER mode)
  long latency_cycles = 1;              // DRAM access latency per chunk
  bool double_count_read_stalls = true;
  void validate() const;  // throws std::invalid_argument naming the field
};

// Length of one pass over each read operand's fetch stream, in words.
struct StreamSizes {
  long ifmap_words = 0, filter_words = 0;
};

struct MemoryTiming {
  long stall_cycles = 0;
  long ifmap_chunks = 0, filter_chunks = 0, ofmap_drains = 0;  // DRAM transfers during the layer
  long ifmap_dram_words = 0, filter_dram_words = 0, ofmap_dram_words = 0;  // including the initial fill and final flush
};

// Steps cycle by cycle only where a port has something to do (a chunk falls due, a drain starts
// or ends, the write buffer fills) and across the stretches between in one step, so its cost grows
// with DRAM transfers, not cycles.
MemoryTiming memory_stalls(const std::vector<FoldTraffic>& folds, const StreamSizes& streams, const MemoryConfig& config);
// The same model stepped every cycle: the reference memory_stalls must equal exactly.
MemoryTiming memory_stalls_per_cycle(const std::vector<FoldTraffic>& folds, const StreamSizes& streams,
                                     const MemoryConfig& config);

// A layer's per-fold traffic and stream sizes in SCALE-Sim's operand order, for memory_stalls.
std::vector<FoldTraffic> fold_traffic(const GemmShape& shape, int rows, int cols, Dataflow dataflow,
                                      const std::vector<Fold>& plan, const TimingOptions& options);
StreamSizes stream_sizes(const GemmShape& shape);

}  // namespace proact
