#pragma once
// One map's faults on the SystemC model for one program run: a copy of the program the run uses
// (its DRAM words and threshold table can be changed), and fault hooks on the accelerator's
// memories. The destructor removes every hook, so a run that ends or throws leaves the
// accelerator clean. A family that needs counts after the run registers a collector.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "hw/accelerator.hpp"
#include "hw/faults/protected_sram.hpp"
#include "sw/compiler/program.hpp"
#include "sw/faults/protected_network.hpp"

namespace proact {

// What a map's faults did during a run, beside the logits.
struct FaultCounts {
  EccCounts ecc;                 // weight-SRAM word reads per accelerator run, by ECC outcome
  std::uint64_t read_flips = 0;  // transient: bits flipped on the read path over all runs
};

class AcceleratorFaults {
 public:
  // `program`: `network` compiled for the accelerator; `runs`: how many accelerator runs (batches)
  // it takes over the images.
  AcceleratorFaults(Accelerator& accelerator, const ProtectedNetwork& network, const Program& program,
                    std::size_t runs);
  AcceleratorFaults(const AcceleratorFaults&) = delete;
  AcceleratorFaults& operator=(const AcceleratorFaults&) = delete;
  ~AcceleratorFaults();

  const AcceleratorConfig& config() const { return accelerator_.config(); }
  const ProtectedNetwork& network() const { return network_; }
  Program& program() { return program_; }
  std::size_t runs() const { return runs_; }
  // The weight SRAM's hook: a family that acts on the read path wraps the one installed before it.
  const std::shared_ptr<FaultHook>& weight_sram_hook() const { return accelerator_.weight_sram().fault_hook(); }
  void set_weight_sram_hook(std::shared_ptr<FaultHook> hook);
  // Faulty cells of the CSR threshold stores (CLIP_THRESHOLD registers, THRESHOLD_TABLE words).
  void set_clip_threshold_faults(const FaultMap& map);
  void set_threshold_table_faults(const FaultMap& map);

  // `collect` runs once the program has run, adding what its hooks counted.
  void after_run(std::function<void(FaultCounts&)> collect) { collectors_.push_back(std::move(collect)); }
  FaultCounts counts() const;

 private:
  Accelerator& accelerator_;
  const ProtectedNetwork& network_;
  Program program_;
  std::size_t runs_;
  std::vector<std::function<void(FaultCounts&)>> collectors_;
};

}  // namespace proact
