#pragma once
// The host driver: a loosely-timed TLM-2.0 initiator that programs the accelerator the way
// firmware would. Its thread runs one job at a time (set_job, then sc_start() from sc_main);
// bus accesses advance local time through a tlm_quantumkeeper and the driver synchronises at
// the quantum or before waiting for the device. Registers are addressed through the register
// map (hw/interface/register_map.hpp), never by hand-copied offsets.
#include <cstdint>
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "hw/interface/register_map.hpp"
#include "sw/driver/bus_trace.hpp"

namespace proact {

class Driver : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Driver> socket;
  sc_core::sc_in<bool> irq;

  Driver(sc_core::sc_module_name name, sc_core::sc_time quantum);

  // The job runs in the driver's thread during the next sc_start(); exceptions it throws are
  // rethrown by rethrow_job_error() after sc_start() returns.
  void set_job(std::function<void()> job);
  void rethrow_job_error();

  // Bus accesses; a TLM error response throws std::runtime_error naming the address and response.
  void write_word(std::uint64_t address, std::uint32_t value);
  std::uint32_t read_word(std::uint64_t address);
  // Bulk transfers go through DMI when the target grants it, else word by word.
  void write_words(std::uint64_t address, const std::uint32_t* words, std::size_t count);
  void read_words(std::uint64_t address, std::uint32_t* words, std::size_t count);

  void write_register(RegisterId id, std::uint32_t value);
  std::uint32_t read_register(RegisterId id);
  std::uint64_t read_counter(Counter counter);  // LO then HI (LO latches HI)
  void write_window(std::size_t window, std::uint32_t index, std::uint32_t value);
  std::uint32_t read_window(std::size_t window, std::uint32_t index);

  // Appends every access of the methods above and below to `trace` (nullptr stops): a bulk
  // transfer as one access, start_and_wait as one run access (sw/driver/bus_trace.hpp).
  void record_to(BusTrace* trace) { trace_ = trace; }

  // Sets CTRL.START (with IRQ_ENABLE unless polling), then waits for the interrupt (at most
  // poll_interval between STATUS checks), or polls STATUS every poll_interval; returns STATUS.
  std::uint32_t start_and_wait(bool poll, sc_core::sc_time poll_interval = sc_core::sc_time(1, sc_core::SC_US));

 private:
  void thread();
  void transport(tlm::tlm_command command, std::uint64_t address, std::uint32_t* data);
  bool dmi_for(std::uint64_t address, std::size_t bytes, tlm::tlm_command command);
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end);
  void record(BusAccess::Op op, std::uint64_t address, const std::uint32_t* words, std::size_t count, bool poll = false);

  tlm_utils::tlm_quantumkeeper keeper_;
  sc_core::sc_event job_event_;
  std::function<void()> job_;
  std::exception_ptr job_error_;
  tlm::tlm_dmi dmi_;
  bool dmi_valid_ = false;
  BusTrace* trace_ = nullptr;
  int unrecorded_ = 0;  // > 0 inside an access already recorded as a whole
};

}  // namespace proact
