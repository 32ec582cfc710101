#pragma once
// The CSR bank on the bus: a TLM-2.0 target (b_transport only, no DMI) that adapts generic
// payloads to CsrBank::read/write and adds the access latency to the initiator's delay.
//
// Responses: unmapped or unaligned address -> TLM_ADDRESS_ERROR_RESPONSE; data length other than
// 4 bytes or a streaming width below it -> TLM_BURST_ERROR_RESPONSE; byte enables ->
// TLM_BYTE_ENABLE_ERROR_RESPONSE; write to RO or read of WO -> TLM_COMMAND_ERROR_RESPONSE;
// otherwise TLM_OK_RESPONSE. TLM_IGNORE_COMMAND is answered OK without an access. Every payload
// gets the latency, error or not. Data travels in host byte order (TLM-2.0 convention).
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/control/csr_bank.hpp"

namespace proact {

tlm::tlm_response_status tlm_response(AccessStatus status);

class CsrTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CsrTarget> socket;

  // `bank` is not owned and must outlive the module (the accelerator top owns both).
  CsrTarget(sc_core::sc_module_name name, CsrBank& bank, sc_core::sc_time latency);

  // Notified (at the access's local time) when a bus write sets CTRL.START or CTRL.SOFT_RESET,
  // so the controller can wait on it and then call bank.take_start() / take_soft_reset().
  const sc_core::sc_event& command_event() const { return command_event_; }
  CsrBank& bank() { return bank_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  CsrBank& bank_;
  sc_core::sc_time latency_;
  sc_core::sc_event command_event_;
};

}  // namespace proact
