#pragma once
// The accelerator top: CSR bank and its bus target, DRAM, the interconnect, the weight SRAM, the
// ping-pong activation SRAM and the controller, wired as in docs/design.md 2.1 (Blocks). A host binds
// its initiator socket to `host_socket()` and its interrupt input to `irq()`. Elaborate once per process.
#include <systemc>

#include "hw/config.hpp"
#include "hw/control/controller.hpp"
#include "hw/control/csr_bank.hpp"
#include "hw/control/csr_target.hpp"
#include "hw/memory/interconnect.hpp"
#include "hw/memory/memory_target.hpp"
#include "hw/memory/sram.hpp"

namespace proact {

class Accelerator : public sc_core::sc_module {
 public:
  // Throws std::invalid_argument (from config.validate()) for an impossible config.
  Accelerator(sc_core::sc_module_name name, const AcceleratorConfig& config);

  tlm_utils::multi_passthrough_target_socket<Interconnect>& host_socket() { return bus_.initiators; }
  sc_core::sc_signal<bool>& irq() { return controller_.irq; }

  const AcceleratorConfig& config() const { return config_; }
  CsrBank& csr() { return csr_bank_; }
  WordMemory& weight_sram() { return weight_sram_; }
  ActivationSram& activation_sram() { return act_sram_; }
  DramTarget& dram() { return dram_; }
  Controller& controller() { return controller_; }
  // Adds the controller's busy, layer, fold, stall and DMA signals to a VCD trace file.
  void trace(sc_core::sc_trace_file* file);

 private:
  static const AcceleratorConfig& validated(const AcceleratorConfig& config);

  AcceleratorConfig config_;
  CsrBank csr_bank_;
  WordMemory weight_sram_;
  ActivationSram act_sram_;
  CsrTarget csr_target_;
  DramTarget dram_;
  Interconnect bus_;
  Controller controller_;
};

}  // namespace proact
