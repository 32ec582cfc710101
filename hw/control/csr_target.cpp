#include "hw/control/csr_target.hpp"

#include <cstring>

namespace proact {

tlm::tlm_response_status tlm_response(AccessStatus status) {
  switch (status) {
    case AccessStatus::ok: return tlm::TLM_OK_RESPONSE;
    case AccessStatus::address_error: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    case AccessStatus::width_error: return tlm::TLM_BURST_ERROR_RESPONSE;
    case AccessStatus::access_error: return tlm::TLM_COMMAND_ERROR_RESPONSE;
  }
  return tlm::TLM_GENERIC_ERROR_RESPONSE;
}

CsrTarget::CsrTarget(sc_core::sc_module_name name, CsrBank& bank, sc_core::sc_time latency)
    : sc_core::sc_module(name), socket("socket"), bank_(bank), latency_(latency) {
  socket.register_b_transport(this, &CsrTarget::b_transport);
}

void CsrTarget::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  delay += latency_;
  const tlm::tlm_command command = payload.get_command();
  const unsigned length = payload.get_data_length();
  if (command == tlm::TLM_IGNORE_COMMAND) {
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (payload.get_byte_enable_ptr() != nullptr) {
    payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (payload.get_streaming_width() < length) {
    payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  AccessStatus status;
  if (command == tlm::TLM_READ_COMMAND) {
    std::uint32_t value = 0;
    status = bank_.read(payload.get_address(), length, value);
    if (status == AccessStatus::ok) std::memcpy(payload.get_data_ptr(), &value, sizeof value);
  } else {
    std::uint32_t value = 0;
    if (length == sizeof value) std::memcpy(&value, payload.get_data_ptr(), sizeof value);
    status = bank_.write(payload.get_address(), length, value);
    const bool wakes_controller = payload.get_address() == register_offset(RegisterId::ctrl) &&
                         (value & (kCtrlStart | kCtrlSoftReset)) != 0;
    if (status == AccessStatus::ok && wakes_controller) command_event_.notify(delay);
  }
  payload.set_response_status(tlm_response(status));
}

}  // namespace proact
