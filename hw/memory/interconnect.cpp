#include "hw/memory/interconnect.hpp"

#include <cstdio>

#include "hw/interface/register_map.hpp"

namespace proact {

std::string hex_address(std::uint64_t address) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(address));
  return text;
}

Interconnect::Interconnect(sc_core::sc_module_name name, std::uint64_t dram_bytes)
    : sc_module(name), initiators("initiators"), dram_socket("dram_socket"), csr_socket("csr_socket"),
      dram_bytes_(dram_bytes) {
  initiators.register_b_transport(this, &Interconnect::b_transport);
  initiators.register_transport_dbg(this, &Interconnect::transport_dbg);
  initiators.register_get_direct_mem_ptr(this, &Interconnect::get_direct_mem_ptr);
  dram_socket.register_invalidate_direct_mem_ptr(this, &Interconnect::invalidate_direct_mem_ptr);
}

tlm_utils::simple_initiator_socket<Interconnect>* Interconnect::route(std::uint64_t& address) {
  if (address < dram_bytes_) return &dram_socket;
  if (address >= kCsrBase && address - kCsrBase < kCsrSpaceBytes) {
    address -= kCsrBase;
    return &csr_socket;
  }
  return nullptr;
}

void Interconnect::b_transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const std::uint64_t original = payload.get_address();
  std::uint64_t address = original;
  auto* target = route(address);
  if (!target) {
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  payload.set_address(address);
  (*target)->b_transport(payload, delay);
  payload.set_address(original);
}

unsigned Interconnect::transport_dbg(int, tlm::tlm_generic_payload& payload) {
  const std::uint64_t original = payload.get_address();
  std::uint64_t address = original;
  auto* target = route(address);
  if (!target) return 0;
  payload.set_address(address);
  const unsigned count = (*target)->transport_dbg(payload);
  payload.set_address(original);
  return count;
}

bool Interconnect::get_direct_mem_ptr(int, tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) {
  std::uint64_t address = payload.get_address();
  if (route(address) != &dram_socket) return false;
  return dram_socket->get_direct_mem_ptr(payload, dmi);
}

void Interconnect::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  for (unsigned i = 0; i < initiators.size(); ++i) initiators[i]->invalidate_direct_mem_ptr(start, end);
}

}  // namespace proact
