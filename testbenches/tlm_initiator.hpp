#pragma once
// The TLM-2.0 initiator of the testbenches: it runs one job at a time in its own SystemC thread,
// so transactions are issued from a process and their annotated delays can be waited for as a
// loosely-timed initiator would, and run() drives the kernel from the test until the job is done.
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace proact::testing {

struct TestInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<TestInitiator> socket;

  SC_HAS_PROCESS(TestInitiator);
  explicit TestInitiator(sc_core::sc_module_name name) : sc_core::sc_module(name), socket("socket") {
    SC_THREAD(serve);
  }

  // Runs `job` in the initiator's thread to completion (ending elaboration first if needed).
  void run(std::function<void()> job) {
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
    job_ = std::move(job);
    job_done_ = false;
    job_event_.notify(sc_core::SC_ZERO_TIME);
    while (!job_done_) sc_core::sc_start(1, sc_core::SC_US);
  }

  // One b_transport of `length` bytes at `address` from `data`, from inside a job. `delay` is set
  // to the delay the target annotated (not waited for); `dmi_hint` to the payload's DMI hint.
  tlm::tlm_response_status transport(tlm::tlm_command command, std::uint64_t address, unsigned char* data,
                                     unsigned length, sc_core::sc_time& delay, bool* dmi_hint = nullptr,
                                     unsigned char* byte_enables = nullptr, unsigned streaming_width = 0) {
    tlm::tlm_generic_payload payload;
    payload.set_command(command);
    payload.set_address(address);
    payload.set_data_ptr(data);
    payload.set_data_length(length);
    payload.set_streaming_width(streaming_width ? streaming_width : length);
    payload.set_byte_enable_ptr(byte_enables);
    payload.set_byte_enable_length(byte_enables ? length : 0);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(payload, delay);
    if (dmi_hint) *dmi_hint = payload.is_dmi_allowed();
    return payload.get_response_status();
  }

 private:
  void serve() {
    for (;;) {
      sc_core::wait(job_event_);
      job_();
      job_done_ = true;
    }
  }

  std::function<void()> job_;
  sc_core::sc_event job_event_;
  bool job_done_ = true;
};

}  // namespace proact::testing
