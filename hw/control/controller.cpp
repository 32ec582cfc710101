#include "hw/control/controller.hpp"

#include <cstring>

namespace proact {

Controller::Controller(sc_core::sc_module_name name, const AcceleratorConfig& config, CsrBank& csr,
                       WordMemory& weight_sram, ActivationSram& act_sram, const sc_core::sc_event& command_event)
    : sc_module(name), socket("socket"), irq("irq"), busy("busy"), stalled("stalled"), dma_active("dma_active"),
      layer("layer"), fold("fold"), config_(config), csr_(csr), weight_sram_(weight_sram), act_sram_(act_sram),
      executor_(config, weight_sram, act_sram, csr), command_event_(command_event) {
  socket.register_invalidate_direct_mem_ptr(this, &Controller::invalidate);
  layer.write(-1);
  fold.write(-1);
  SC_HAS_PROCESS(Controller);
  SC_THREAD(run);
}

void Controller::invalidate(sc_dt::uint64, sc_dt::uint64) { dmi_valid_ = false; }

DramView Controller::dram_view() {
  if (!dmi_valid_) {
    tlm::tlm_generic_payload payload;
    payload.set_address(0);
    payload.set_command(tlm::TLM_READ_COMMAND);
    dmi_valid_ = socket->get_direct_mem_ptr(payload, dmi_) && dmi_.get_start_address() == 0 &&
                 dmi_.is_read_write_allowed();
    if (!dmi_valid_) throw DeviceFault(DeviceError::dram_address, "DRAM refused direct memory access");
  }
  return {dmi_.get_dmi_ptr(), dmi_.get_end_address() + 1};
}

void Controller::advance(long cycles) {
  if (cycles > 0) wait(config_.clock_period_ns() * static_cast<double>(cycles), sc_core::SC_NS);
}

void Controller::run() {
  while (true) {
    wait(command_event_);
    csr_.take_soft_reset();  // the bank already applied it; nothing runs between commands
    if (!csr_.take_start()) continue;
    csr_.begin_run();
    irq.write(false);
    busy.write(true);
    wait(sc_core::SC_ZERO_TIME);  // the line settles low, so the run's end is always a rising edge
    DeviceError error = DeviceError::none;
    try {
      run_list();
    } catch (const DeviceFault& fault) {
      error = fault.code();
      last_error_ = fault.what();
    } catch (const std::invalid_argument& bad) {  // a descriptor that does not decode
      error = DeviceError::bad_descriptor;
      last_error_ = bad.what();
    }
    busy.write(false);
    layer.write(-1);
    fold.write(-1);
    csr_.end_run(error);
    irq.write(csr_.irq_line());
  }
}

void Controller::annotate(const LayerReport& report, double layer_start_ns) {
  const double period = config_.clock_period_ns();
  const std::vector<DmaTransfer>& transfers = report.transfers;
  // The channel serves transfers in issue order, so both their issues and their ends ascend.
  std::size_t first_active = 0;
  const auto dma_during = [&](long begin, long end) {
    while (first_active < transfers.size() && transfers[first_active].end_cycle <= begin) ++first_active;
    return first_active < transfers.size() && transfers[first_active].issue_cycle < end;
  };
  long elapsed = 0;
  for (std::size_t s = 0; s < report.steps.size(); ++s) {
    const StepRecord& r = report.steps[s];
    fold.write(static_cast<int>(r.fold));
    dma_active.write(dma_during(elapsed, r.start_cycle + r.compute_cycles));
    stalled.write(r.start_cycle > elapsed);
    advance(r.start_cycle - elapsed);
    stalled.write(false);
    advance(r.compute_cycles);
    if (recorder_) {
      recorder_->add("array", (r.fold >= 0 ? "fold " + std::to_string(r.fold) + " step " : "tile ") + std::to_string(s),
                     layer_start_ns + r.start_cycle * period, static_cast<double>(r.compute_cycles) * period,
                     {{"weight_stall_cycles", r.weight_stall}, {"input_stall_cycles", r.input_stall},
                      {"output_stall_cycles", r.output_stall}});
    }
    elapsed = r.start_cycle + r.compute_cycles;
  }
  fold.write(-1);
  const long tail = report.total_cycles - elapsed;  // the pipeline latency, then the last output draining
  dma_active.write(dma_during(elapsed, report.total_cycles));
  stalled.write(report.output_stall_cycles > 0 && tail > config_.timing.pipeline_latency_cycles);
  advance(tail);
  dma_active.write(false);
  stalled.write(false);
  if (recorder_) {
    for (const DmaTransfer& t : transfers) {
      recorder_->add("dma", dma_kind_name(t.kind) + " " + std::to_string(t.step), layer_start_ns + t.issue_cycle * period,
                     static_cast<double>(t.end_cycle - t.issue_cycle) * period, {{"words", t.words}});
    }
  }
}

void Controller::run_list() {
  const std::uint32_t count = csr_.descriptor_count();
  if (count == 0) throw DeviceFault(DeviceError::bad_descriptor, "DESC_COUNT is 0");
  const std::uint64_t base = csr_.descriptor_base();
  const DramView dram = dram_view();
  if (base > dram.size || count * kDescriptorBytes > dram.size - base || base % 4 != 0) {
    throw DeviceFault(DeviceError::dram_address, "descriptor list at " + std::to_string(base) + " (" +
                                                     std::to_string(count) + " descriptors) lies outside DRAM");
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t words[kDescriptorWords];
    std::memcpy(words, dram.bytes + base + i * kDescriptorBytes, kDescriptorBytes);
    const LayerDescriptor d = LayerDescriptor::decode(words);
    layer.write(static_cast<int>(i));
    const double layer_start_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    const std::uint64_t sram_reads = weight_sram_.reads(), sram_writes = weight_sram_.writes();
    const std::uint64_t act_reads = act_sram_.reads(), act_writes = act_sram_.writes();
    LayerReport report = executor_.execute(d, i, dram);

    annotate(report, layer_start_ns);
    if (recorder_) {
      recorder_->add("layers", "descriptor " + std::to_string(i) + " " + layer_op_name(d.op), layer_start_ns,
                     static_cast<double>(report.total_cycles) * config_.clock_period_ns(),
                     {{"node", d.node}, {"cycles", report.total_cycles}, {"stall_cycles", report.stall_cycles},
                      {"macs", report.macs}});
    }
    csr_.add(Counter::cycles, static_cast<std::uint64_t>(report.total_cycles));
    csr_.add(Counter::stall_cycles, static_cast<std::uint64_t>(report.stall_cycles));
    csr_.add(Counter::weight_stall_cycles, static_cast<std::uint64_t>(report.weight_stall_cycles));
    csr_.add(Counter::input_stall_cycles, static_cast<std::uint64_t>(report.input_stall_cycles));
    csr_.add(Counter::output_stall_cycles, static_cast<std::uint64_t>(report.output_stall_cycles));
    csr_.add(Counter::macs, static_cast<std::uint64_t>(report.macs));
    csr_.add(Counter::weight_sram_reads, weight_sram_.reads() - sram_reads);
    csr_.add(Counter::weight_sram_writes, weight_sram_.writes() - sram_writes);
    csr_.add(Counter::act_sram_reads, act_sram_.reads() - act_reads);
    csr_.add(Counter::act_sram_writes, act_sram_.writes() - act_writes);
    csr_.add(Counter::dram_reads, static_cast<std::uint64_t>(report.dram_reads));
    csr_.add(Counter::dram_writes, static_cast<std::uint64_t>(report.dram_writes));
    history_.push_back(std::move(report));
  }
}

}  // namespace proact
