#include "hw/accelerator.hpp"

namespace proact {

const AcceleratorConfig& Accelerator::validated(const AcceleratorConfig& config) {
  config.validate();
  return config;
}

Accelerator::Accelerator(sc_core::sc_module_name name, const AcceleratorConfig& config)
    : sc_module(name), config_(validated(config)), csr_bank_(config_), weight_sram_(make_weight_sram(config_)), act_sram_(config_),
      csr_target_("csr", csr_bank_,
                  sc_core::sc_time(config_.clock_period_ns() * static_cast<double>(config_.csr_latency_cycles), sc_core::SC_NS)),
      dram_("dram", config_), bus_("bus", config_.dram_bytes),
      controller_("controller", config_, csr_bank_, weight_sram_, act_sram_, csr_target_.command_event()) {
  bus_.dram_socket.bind(dram_.socket);
  bus_.csr_socket.bind(csr_target_.socket);
  controller_.socket.bind(bus_.initiators);
}

void Accelerator::trace(sc_core::sc_trace_file* file) {
  sc_core::sc_trace(file, controller_.busy, "busy");
  sc_core::sc_trace(file, controller_.layer, "layer");
  sc_core::sc_trace(file, controller_.fold, "fold");
  sc_core::sc_trace(file, controller_.stalled, "stall");
  sc_core::sc_trace(file, controller_.dma_active, "dma");
  sc_core::sc_trace(file, controller_.irq, "irq");
}

}  // namespace proact
