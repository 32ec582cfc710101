#include "sw/faults/accelerator_faults.hpp"

namespace proact {

AcceleratorFaults::AcceleratorFaults(Accelerator& accelerator, const ProtectedNetwork& network, const Program& program,
                                     std::size_t runs)
    : accelerator_(accelerator), network_(network), program_(program), runs_(runs) {}

AcceleratorFaults::~AcceleratorFaults() {
  accelerator_.weight_sram().set_fault_hook(nullptr);
  accelerator_.csr().clip_thresholds().set_fault_hook(nullptr);
  accelerator_.csr().threshold_table().set_fault_hook(nullptr);
}

void AcceleratorFaults::set_weight_sram_hook(std::shared_ptr<FaultHook> hook) {
  accelerator_.weight_sram().set_fault_hook(std::move(hook));
}

void AcceleratorFaults::set_clip_threshold_faults(const FaultMap& map) {
  accelerator_.csr().clip_thresholds().set_fault_map(std::make_shared<FaultMap>(map));
}

void AcceleratorFaults::set_threshold_table_faults(const FaultMap& map) {
  accelerator_.csr().threshold_table().set_fault_map(std::make_shared<FaultMap>(map));
}

FaultCounts AcceleratorFaults::counts() const {
  FaultCounts counts;
  for (const auto& collect : collectors_) collect(counts);
  return counts;
}

}  // namespace proact
