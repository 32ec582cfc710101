#include "hw/memory/memory_target.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "hw/config.hpp"

namespace proact {

DramTiming dram_timing(const AcceleratorConfig& config) {
  const sc_core::sc_time period(config.clock_period_ns(), sc_core::SC_NS);
  return {period * static_cast<double>(config.dram_latency_cycles), period / config.dram_words_per_cycle};
}

namespace {

unsigned char* map_zero_pages(std::uint64_t bytes) {
  if (bytes == 0) return nullptr;
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<unsigned char*>(p);
}

}  // namespace

void DramTarget::Unmap::operator()(unsigned char* p) const { ::munmap(p, size); }

DramTarget::DramTarget(sc_core::sc_module_name name, std::uint64_t bytes, DramTiming timing)
    : sc_core::sc_module(name),
      socket("socket"),
      bytes_(map_zero_pages(bytes), Unmap{bytes}),
      size_(bytes),
      timing_(timing) {
  if (bytes == 0) throw std::invalid_argument(std::string(this->name()) + ": a DRAM needs at least one byte");
  socket.register_b_transport(this, &DramTarget::b_transport);
  socket.register_transport_dbg(this, &DramTarget::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &DramTarget::get_direct_mem_ptr);
}

DramTarget::DramTarget(sc_core::sc_module_name name, const AcceleratorConfig& config)
    : DramTarget(name, config.dram_bytes, dram_timing(config)) {}

void DramTarget::check(std::uint64_t address, std::uint64_t count) const {
  if (address > size_ || count > size_ - address)
    throw std::out_of_range(std::string(name()) + ": " + std::to_string(count) + " bytes at address " +
                            std::to_string(address) + " reach beyond its " + std::to_string(size_) +
                            " bytes");
}

void DramTarget::write_bytes(std::uint64_t address, const void* data, std::uint64_t count) {
  check(address, count);
  if (count) std::memcpy(bytes_.get() + address, data, count);
}

void DramTarget::read_bytes(std::uint64_t address, void* data, std::uint64_t count) const {
  check(address, count);
  if (count) std::memcpy(data, bytes_.get() + address, count);
}

tlm::tlm_response_status DramTarget::access(tlm::tlm_generic_payload& payload) {
  const std::uint64_t address = payload.get_address();
  const unsigned length = payload.get_data_length();
  if (address > size_ || length > size_ - address) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (payload.get_streaming_width() < length) return tlm::TLM_BURST_ERROR_RESPONSE;
  unsigned char* memory = bytes_.get() + address;
  unsigned char* data = payload.get_data_ptr();
  const unsigned char* enables = payload.get_byte_enable_ptr();
  const unsigned enable_length = payload.get_byte_enable_length();
  switch (payload.get_command()) {
    case tlm::TLM_READ_COMMAND:
      for (unsigned i = 0; i < length; ++i)
        if (!enables || enables[i % enable_length] == TLM_BYTE_ENABLED) data[i] = memory[i];
      break;
    case tlm::TLM_WRITE_COMMAND:
      for (unsigned i = 0; i < length; ++i)
        if (!enables || enables[i % enable_length] == TLM_BYTE_ENABLED) memory[i] = data[i];
      break;
    case tlm::TLM_IGNORE_COMMAND: break;
  }
  return tlm::TLM_OK_RESPONSE;
}

void DramTarget::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const std::uint64_t words = (payload.get_data_length() + 3) / 4;
  delay += timing_.latency + timing_.word_time * static_cast<double>(words);
  payload.set_response_status(access(payload));
  payload.set_dmi_allowed(true);
}

unsigned DramTarget::transport_dbg(tlm::tlm_generic_payload& payload) {
  const std::uint64_t address = payload.get_address();
  if (address >= size_) return 0;
  const auto count = static_cast<unsigned>(std::min<std::uint64_t>(payload.get_data_length(), size_ - address));
  switch (payload.get_command()) {
    case tlm::TLM_READ_COMMAND: std::memcpy(payload.get_data_ptr(), bytes_.get() + address, count); return count;
    case tlm::TLM_WRITE_COMMAND: std::memcpy(bytes_.get() + address, payload.get_data_ptr(), count); return count;
    case tlm::TLM_IGNORE_COMMAND: break;
  }
  return 0;
}

bool DramTarget::get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) {
  if (payload.get_address() >= size_) {  // deny, naming the range without DMI
    dmi.set_start_address(size_);
    dmi.set_end_address(~sc_dt::uint64{0});
    dmi.allow_none();
    return false;
  }
  dmi.set_dmi_ptr(bytes_.get());
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(timing_.word_time);
  dmi.set_write_latency(timing_.word_time);
  return true;
}

}  // namespace proact
