#include "sw/driver/driver.hpp"

#include <cstring>
#include <stdexcept>
#include <utility>

#include "hw/memory/interconnect.hpp"

namespace proact {

Driver::Driver(sc_core::sc_module_name name, sc_core::sc_time quantum) : sc_module(name), socket("socket"), irq("irq") {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(quantum);
  keeper_.reset();
  socket.register_invalidate_direct_mem_ptr(this, &Driver::invalidate);
  SC_HAS_PROCESS(Driver);
  SC_THREAD(thread);
}

void Driver::set_job(std::function<void()> job) {
  job_ = std::move(job);
  job_error_ = nullptr;
  job_event_.notify(sc_core::SC_ZERO_TIME);
}

void Driver::rethrow_job_error() {
  if (job_error_) std::rethrow_exception(std::exchange(job_error_, nullptr));
}

void Driver::thread() {
  while (true) {
    if (!job_) wait(job_event_);  // a job set before the first sc_start() is already here
    const std::function<void()> job = std::exchange(job_, nullptr);
    try {
      job();
    } catch (...) {
      job_error_ = std::current_exception();
    }
    keeper_.sync();
  }
}

void Driver::invalidate(sc_dt::uint64, sc_dt::uint64) { dmi_valid_ = false; }

void Driver::transport(tlm::tlm_command command, std::uint64_t address, std::uint32_t* data) {
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(address);
  payload.set_data_ptr(reinterpret_cast<unsigned char*>(data));
  payload.set_data_length(4);
  payload.set_streaming_width(4);
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = keeper_.get_local_time();
  socket->b_transport(payload, delay);
  keeper_.set(delay);
  if (keeper_.need_sync()) keeper_.sync();
  if (payload.is_response_error()) {
    throw std::runtime_error(std::string(command == tlm::TLM_READ_COMMAND ? "read" : "write") + " of " +
                             hex_address(address) + " failed: " + payload.get_response_string());
  }
}

void Driver::record(BusAccess::Op op, std::uint64_t address, const std::uint32_t* words, std::size_t count, bool poll) {
  if (!trace_ || unrecorded_ > 0) return;
  trace_->accesses.push_back({op, address, std::vector<std::uint32_t>(words, words + count), poll});
}

namespace {

// Keeps the accesses made inside one recorded access out of the trace.
class Unrecorded {
 public:
  explicit Unrecorded(int& depth) : depth_(depth) { ++depth_; }
  ~Unrecorded() { --depth_; }

 private:
  int& depth_;
};

}  // namespace

void Driver::write_word(std::uint64_t address, std::uint32_t value) {
  record(BusAccess::Op::write, address, &value, 1);
  transport(tlm::TLM_WRITE_COMMAND, address, &value);
}

std::uint32_t Driver::read_word(std::uint64_t address) {
  std::uint32_t value = 0;
  transport(tlm::TLM_READ_COMMAND, address, &value);
  record(BusAccess::Op::read, address, &value, 1);
  return value;
}

bool Driver::dmi_for(std::uint64_t address, std::size_t bytes, tlm::tlm_command command) {
  if (!dmi_valid_) {
    tlm::tlm_generic_payload payload;
    payload.set_address(address);
    payload.set_command(command);
    dmi_valid_ = socket->get_direct_mem_ptr(payload, dmi_);
  }
  return dmi_valid_ && address >= dmi_.get_start_address() && bytes > 0 &&
         address + bytes - 1 <= dmi_.get_end_address() &&
         (command == tlm::TLM_READ_COMMAND ? dmi_.is_read_allowed() : dmi_.is_write_allowed());
}

void Driver::write_words(std::uint64_t address, const std::uint32_t* words, std::size_t count) {
  record(BusAccess::Op::write, address, words, count);
  const Unrecorded inside(unrecorded_);
  if (dmi_for(address, count * 4, tlm::TLM_WRITE_COMMAND)) {
    std::memcpy(dmi_.get_dmi_ptr() + (address - dmi_.get_start_address()), words, count * 4);
    keeper_.inc(dmi_.get_write_latency() * static_cast<double>(count));
    if (keeper_.need_sync()) keeper_.sync();
    return;
  }
  for (std::size_t i = 0; i < count; ++i) write_word(address + 4 * i, words[i]);
}

void Driver::read_words(std::uint64_t address, std::uint32_t* words, std::size_t count) {
  {
    const Unrecorded inside(unrecorded_);
    if (dmi_for(address, count * 4, tlm::TLM_READ_COMMAND)) {
      std::memcpy(words, dmi_.get_dmi_ptr() + (address - dmi_.get_start_address()), count * 4);
      keeper_.inc(dmi_.get_read_latency() * static_cast<double>(count));
      if (keeper_.need_sync()) keeper_.sync();
    } else {
      for (std::size_t i = 0; i < count; ++i) words[i] = read_word(address + 4 * i);
    }
  }
  record(BusAccess::Op::read, address, words, count);
}

void Driver::write_register(RegisterId id, std::uint32_t value) { write_word(kCsrBase + register_offset(id), value); }

std::uint32_t Driver::read_register(RegisterId id) { return read_word(kCsrBase + register_offset(id)); }

std::uint64_t Driver::read_counter(Counter counter) {
  const std::uint32_t lo = read_register(counter_lo(counter));
  const std::uint32_t hi = read_register(counter_hi(counter));
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

void Driver::write_window(std::size_t window, std::uint32_t index, std::uint32_t value) {
  write_word(kCsrBase + kRegisterWindows.at(window).base + kCsrWordBytes * index, value);
}

std::uint32_t Driver::read_window(std::size_t window, std::uint32_t index) {
  return read_word(kCsrBase + kRegisterWindows.at(window).base + kCsrWordBytes * index);
}

std::uint32_t Driver::start_and_wait(bool poll, sc_core::sc_time poll_interval) {
  std::uint32_t status;
  {
    const Unrecorded inside(unrecorded_);  // the run is recorded as a whole, below
    // An accepted START makes the device busy at once (STATUS.DONE clears), so STATUS.DONE below
    // always belongs to this run.
    write_register(RegisterId::ctrl, kCtrlStart | (poll ? 0u : kCtrlIrqEnable));
    while (((status = read_register(RegisterId::status)) & kStatusDone) == 0) {
      keeper_.sync();
      // The interrupt wakes the driver at once; the interval also bounds the wait should the edge
      // have come while the driver was catching up with its local time.
      if (poll) wait(poll_interval);
      else wait(poll_interval, irq.posedge_event());
    }
    if (!poll) write_register(RegisterId::irq_status, kIrqDone);
  }
  record(BusAccess::Op::run, 0, &status, 1, poll);
  return status;
}

}  // namespace proact
