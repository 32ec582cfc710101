#pragma once
// The accelerator's bus: any number of initiators (the host driver, the controller) bind to
// `initiators`; accesses are routed by address to DRAM at [0, dram_bytes) or to the CSR space at
// [kCsrBase, kCsrBase + kCsrSpaceBytes), with the region's base subtracted. An address in neither
// gets TLM_ADDRESS_ERROR_RESPONSE. DMI requests reach DRAM only (its base is 0, so granted
// ranges need no translation); DRAM's invalidations are forwarded to every initiator.
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace proact {

inline constexpr std::uint64_t kCsrBase = 1ull << 32;  // above the largest DRAM (4 GiB)

// A bus (or region-relative) address as errors print it: "0x1040".
std::string hex_address(std::uint64_t address);

class Interconnect : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Interconnect> initiators;
  tlm_utils::simple_initiator_socket<Interconnect> dram_socket;
  tlm_utils::simple_initiator_socket<Interconnect> csr_socket;

  Interconnect(sc_core::sc_module_name name, std::uint64_t dram_bytes);

 private:
  // The socket an address routes to, with the address made region-relative; nullptr if unmapped.
  tlm_utils::simple_initiator_socket<Interconnect>* route(std::uint64_t& address);
  void b_transport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned transport_dbg(int initiator, tlm::tlm_generic_payload& payload);
  bool get_direct_mem_ptr(int initiator, tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  std::uint64_t dram_bytes_;
};

}  // namespace proact
