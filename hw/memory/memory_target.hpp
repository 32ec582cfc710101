#pragma once
// DRAM as a TLM-2.0 target: byte-addressed storage with b_transport (timed), transport_dbg
// (untimed loader access) and DMI for bulk transfers.
//
// Timing: a b_transport adds latency + ceil(length / 4) * word_time to the delay. A DMI grant
// covers the whole memory with read and write access; its read/write latencies are word_time,
// the time per 32-bit word: a DMI initiator adds latency once per burst and word_time per word.
// Responses: an access reaching beyond the memory -> TLM_ADDRESS_ERROR_RESPONSE; a streaming
// width below the data length -> TLM_BURST_ERROR_RESPONSE; byte enables are honoured.
#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace proact {

struct AcceleratorConfig;

struct DramTiming {
  sc_core::sc_time latency;    // per access (first word)
  sc_core::sc_time word_time;  // per 32-bit word: 1 / bandwidth
};
// latency = dram_latency_cycles clock periods; word_time = one period / dram_words_per_cycle.
DramTiming dram_timing(const AcceleratorConfig& config);

class DramTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DramTarget> socket;

  DramTarget(sc_core::sc_module_name name, std::uint64_t bytes, DramTiming timing);  // zero-filled
  DramTarget(sc_core::sc_module_name name, const AcceleratorConfig& config);         // config.dram_bytes

  std::uint64_t size() const { return size_; }
  const DramTiming& timing() const { return timing_; }

  // Backdoor for loaders and tests (no time, no socket); a range beyond the memory throws
  // std::out_of_range naming the address, the length and the size.
  void write_bytes(std::uint64_t address, const void* data, std::uint64_t count);
  void read_bytes(std::uint64_t address, void* data, std::uint64_t count) const;

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& payload);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);
  // Copies the payload's data to or from storage; returns the response status.
  tlm::tlm_response_status access(tlm::tlm_generic_payload& payload);
  void check(std::uint64_t address, std::uint64_t count) const;

  struct Unmap {
    std::uint64_t size;
    void operator()(unsigned char* p) const;
  };
  // (size) bytes of anonymous zero pages: a DRAM takes memory only where a program writes (a
  // 4 GiB DRAM for ResNet-50 costs what its program uses). Plain 4 KiB pages: huge pages
  // (madvise) made a SystemC run on ResNet-50 spend 0.85 s in the kernel zeroing them, not 0.3 s.
  std::unique_ptr<unsigned char[], Unmap> bytes_;
  std::uint64_t size_;
  DramTiming timing_;
};

}  // namespace proact
