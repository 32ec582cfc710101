#pragma once
// The controller: waits for CTRL.START, walks the layer descriptor list in DRAM and runs each
// layer on the datapath (hw/control/layer_executor.hpp), annotating the time each step takes (loosely
// timed: one wait per stall and per step, a fold's chunk or a tile, no clock process). At the end it updates STATUS,
// ERROR_CODE, IRQ_STATUS and the counters, and drives the interrupt line.
//
// Debug port (not on the bus): the per-layer reports of every run since clear_history(), the
// message of the last device error, and trace signals for a VCD (busy, layer, fold, stall, dma).
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "hw/config.hpp"
#include "hw/control/csr_bank.hpp"
#include "hw/control/layer_executor.hpp"
#include "hw/trace_recorder.hpp"

namespace proact {

class Controller : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Controller> socket;  // to the interconnect: DMI into DRAM
  sc_core::sc_signal<bool> irq;                           // IRQ_STATUS.DONE && CTRL.IRQ_ENABLE at run end

  // Trace signals.
  sc_core::sc_signal<bool> busy, stalled, dma_active;
  sc_core::sc_signal<int> layer, fold;  // -1 when idle

  // config, csr and the memories outlive the module; command_event is CsrTarget's.
  Controller(sc_core::sc_module_name name, const AcceleratorConfig& config, CsrBank& csr, WordMemory& weight_sram,
             ActivationSram& act_sram, const sc_core::sc_event& command_event);

  const std::vector<LayerReport>& history() const { return history_; }
  void clear_history() { history_.clear(); }
  const std::string& last_error() const { return last_error_; }
  // Record a Chrome timeline of every run into `recorder` (nullptr: off); not owned.
  void set_recorder(TraceRecorder* recorder) { recorder_ = recorder; }

 private:
  void run();
  void run_list();
  void advance(long cycles);
  // Annotates the layer's time step by step (each step's stall, then its compute, then the tail)
  // with the trace signals and timeline events.
  void annotate(const LayerReport& report, double layer_start_ns);
  DramView dram_view();
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end);

  const AcceleratorConfig& config_;
  CsrBank& csr_;
  WordMemory& weight_sram_;
  ActivationSram& act_sram_;
  LayerExecutor executor_;
  const sc_core::sc_event& command_event_;
  std::vector<LayerReport> history_;
  std::string last_error_;
  TraceRecorder* recorder_ = nullptr;
  tlm::tlm_dmi dmi_;
  bool dmi_valid_ = false;
};

}  // namespace proact
