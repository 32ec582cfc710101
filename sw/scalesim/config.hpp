#pragma once
// SCALE-Sim v2's configuration file (INI), e.g. its configs/scale.cfg:
//
//   [general]
//   run_name = scale_example_run_32x32_os
//   [architecture_presets]
//   ArrayHeight:    32          (rows)
//   ArrayWidth:     32          (columns)
//   IfmapSramSzkB:   64         (kB of 1-byte words)
//   FilterSramSzkB:  64
//   OfmapSramSzkB:   64
//   Bandwidth : 10              (words per cycle per SRAM; a list "10,10,10" uses the first)
//   Dataflow : os               (ws, os or is)
//   [run_presets]
//   InterfaceBandwidth: CALC    (CALC or USER)
//
// "key: value" and "key = value" both work, keys are case-insensitive (like Python's
// configparser), '#' and ';' start comments, other keys (offsets, sparsity, layout) are ignored.
// Bandwidth is required only with InterfaceBandwidth USER.
#include <iosfwd>
#include <string>

#include "hw/config.hpp"
#include "hw/memory/memory_timing.hpp"
#include "models/kernels/gemm.hpp"

namespace proact {

struct ScaleSimConfig {
  std::string run_name;
  int array_rows = 32, array_cols = 32;
  long ifmap_sram_kb = 64, filter_sram_kb = 64, ofmap_sram_kb = 64;
  Dataflow dataflow = Dataflow::os;
  bool user_bandwidth = false;  // InterfaceBandwidth USER; CALC otherwise
  long bandwidth = 0;           // words per cycle, USER mode only

  // The DRAM side as SCALE-Sim sets it up: USER uses Bandwidth for every SRAM port; CALC never
  // stalls reads (SCALE-Sim only estimates their bandwidth) and drains the ofmap at ArrayWidth
  // words per cycle. Read streams must then be passed as empty (see reads_stall()).
  MemoryConfig memory() const;
  bool reads_stall() const { return user_bandwidth; }
  std::string describe() const;  // "32x32 os, SRAM 64/64/64 kB, USER 10 words/cycle"
};

// Throws std::runtime_error "<path>:<line>: <key>: <problem>" for a malformed or incomplete file.
ScaleSimConfig read_scalesim_config(const std::string& path);
ScaleSimConfig parse_scalesim_config(std::istream& in, const std::string& path);

// The SCALE-Sim config of an accelerator config (a preset, or the JSON simulate --config reads):
// its array and dataflow; its SRAMs in kB as SCALE-Sim counts them (the weight SRAM as the filter
// SRAM, one activation bank as the ifmap and one as the ofmap SRAM; bytes / 1024, rounded down,
// at least 1), so preset scalesim-32x32 gives SCALE-Sim's configs/scale.cfg; and InterfaceBandwidth
// CALC, under which reads never stall. The accelerator's own DMA model (simulate) is not SCALE-Sim's
// and is not carried over; its timing options are passed to simulate_layers separately.
ScaleSimConfig scalesim_config(const AcceleratorConfig& config, const std::string& run_name);

}  // namespace proact
