// The register map (one table: decode, driver offsets, docs), the CSR bank's access rules and
// the CSR TLM target answering bad accesses with TLM error responses.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <systemc>
#include <tlm>

#include "hw/config.hpp"
#include "hw/control/csr_bank.hpp"
#include "hw/control/csr_target.hpp"
#include "hw/interface/register_map.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/elaborated.hpp"
#include "testbenches/tensor_helpers.hpp"
#include "testbenches/tlm_initiator.hpp"

using namespace proact;
using proact::testing::Elaborated;
using proact::testing::float_bits;
using proact::testing::Run;
using proact::testing::run_cli;
using proact::testing::TestInitiator;
using Catch::Matchers::Contains;

namespace {

std::uint32_t bus_read(CsrBank& bank, const std::string& name) {
  std::uint32_t value = 0;
  REQUIRE(bank.read(register_offset(name), 4, value) == AccessStatus::ok);
  return value;
}

void bus_write(CsrBank& bank, const std::string& name, std::uint32_t value) {
  REQUIRE(bank.write(register_offset(name), 4, value) == AccessStatus::ok);
}

struct Transaction {
  tlm::tlm_response_status status;
  std::uint32_t data;
  sc_core::sc_time delay;
};

// One b_transport of `length` bytes (up to 8) of `data` at `address` from inside a job of `cpu`;
// waits for the annotated delay and returns what the target left in the first word.
Transaction transact(TestInitiator& cpu, tlm::tlm_command command, std::uint64_t address, std::uint32_t data,
                     unsigned length = 4, unsigned char* byte_enables = nullptr) {
  unsigned char buffer[8] = {};
  std::memcpy(buffer, &data, sizeof data);
  sc_core::sc_time delay;
  const tlm::tlm_response_status status = cpu.transport(command, address, buffer, length, delay, nullptr, byte_enables);
  sc_core::wait(delay);
  std::uint32_t read_back;
  std::memcpy(&read_back, buffer, sizeof read_back);
  return {status, read_back, delay};
}

// Counts command_event notifications, as a controller waiting on it would see them.
struct CommandWatcher : sc_core::sc_module {
  int notifications = 0;
  SC_HAS_PROCESS(CommandWatcher);
  CommandWatcher(sc_core::sc_module_name name, const sc_core::sc_event& event) : sc_core::sc_module(name) {
    SC_METHOD(count);
    sensitive << event;
    dont_initialize();
  }
  void count() { ++notifications; }
};

const sc_core::sc_time kCsrLatency(10, sc_core::SC_NS);

// Declared once, elaborated on first use with every other declared module
// (testbenches/elaborated.hpp).
struct CsrTestbench {
  CsrBank bank;
  CsrTarget target{"csr_target", bank, kCsrLatency};
  TestInitiator cpu{"csr_cpu"};
  CommandWatcher watcher{"csr_watcher", target.command_event()};
  CsrTestbench() { cpu.socket.bind(target.socket); }
};
Elaborated<CsrTestbench> csr_testbench;

}  // namespace

TEST_CASE("register map offsets come from the one table", "[hw][registers]") {
  CHECK(register_offset("ID") == 0x000);
  CHECK(register_offset("CTRL") == register_offset(RegisterId::ctrl));
  CHECK(register_info("STATUS").access == Access::ro);
  CHECK(register_info("IRQ_STATUS").access == Access::w1c);
  CHECK(register_info("COUNTER_CLEAR").access == Access::wo);
  CHECK(register_info(RegisterId::id).reset == 0x50524F41);
  CHECK(register_offset("CLIP_THRESHOLD[0]") == 0x400);
  CHECK(register_offset("CLIP_THRESHOLD[63]") == clip_threshold_offset(63));
  CHECK(register_offset("THRESHOLD_TABLE[65535]") == 0x10000 + 4 * 65535);
  CHECK(kCsrSpaceBytes == 0x4010000);  // the threshold table window holds 2^24 words
  CHECK(counter_name(Counter::weight_sram_reads) == "WEIGHT_SRAM_READS");
  CHECK(register_info(counter_hi(Counter::dram_writes)).name == "DRAM_WRITES_HI");
  CHECK(kCtrlStart == 1u);
  CHECK(kCtrlSoftReset == 2u);
  CHECK(kCtrlIrqEnable == 4u);
  CHECK(field_mask(RegisterId::clip_mode, "MODE") == 3u);

  SECTION("every register decodes to itself; unaligned offsets and gaps are unmapped") {
    for (const RegisterInfo& r : kRegisters) {
      const DecodedAddress at = decode_offset(r.offset);
      REQUIRE(at.kind == DecodedAddress::Kind::register_);
      CHECK(at.id == r.id);
      CHECK(decode_offset(r.offset + 1).kind == DecodedAddress::Kind::unmapped);
      CHECK(register_info(r.name).offset == r.offset);
    }
    CHECK(decode_offset(0x02C).kind == DecodedAddress::Kind::unmapped);
    CHECK(decode_offset(0x3FC).kind == DecodedAddress::Kind::unmapped);
    CHECK(decode_offset(0x034).kind == DecodedAddress::Kind::unmapped);  // THRESHOLD_TABLE_LAYER until version 2
    CHECK(decode_offset(0x700).kind == DecodedAddress::Kind::unmapped);
    CHECK(decode_offset(kCsrSpaceBytes).kind == DecodedAddress::Kind::unmapped);
    CHECK(decode_offset(std::uint64_t{1} << 40).kind == DecodedAddress::Kind::unmapped);
  }
  SECTION("window words decode to their index") {
    const DecodedAddress clip = decode_offset(0x400 + 4 * 7);
    CHECK(clip.kind == DecodedAddress::Kind::window);
    CHECK(clip.window == kClipThresholdWindow);
    CHECK(clip.index == 7);
    const DecodedAddress table = decode_offset(kCsrSpaceBytes - 4);
    CHECK(table.window == kThresholdTableWindow);
    CHECK(table.index == kThresholdTableMaxWords - 1);
    CHECK(decode_offset(0x500 + 4 * 3).window == kClipTableBaseWindow);
    CHECK(decode_offset(0x600 + 4 * 63).window == kClipTableLengthWindow);
  }
  SECTION("unknown names throw std::out_of_range naming them") {
    CHECK_THROWS_AS(register_offset("CONTROL"), std::out_of_range);
    CHECK_THROWS_WITH(register_offset("CONTROL"), Contains("'CONTROL'") && Contains("CTRL"));
    CHECK_THROWS_WITH(register_offset("CLIP_THRESHOLD[64]"), Contains("CLIP_THRESHOLD[64]") && Contains("0..63"));
    CHECK_THROWS_WITH(register_offset("CLIP_THRESHOLD[x]"), Contains("CLIP_THRESHOLD[x]"));
    CHECK_THROWS_AS(threshold_table_offset(kThresholdTableMaxWords), std::out_of_range);
    CHECK_THROWS_AS(field_mask(RegisterId::ctrl, "GO"), std::out_of_range);
  }
}

TEST_CASE("docs/registers.md is the generated register map", "[hw][registers]") {
  std::ifstream in("docs/registers.md");
  REQUIRE(in.good());
  std::stringstream file;
  file << in.rdbuf();
  CHECK(file.str() == register_map_markdown());  // regenerate: proact registers --markdown > docs/registers.md
}

TEST_CASE("proact registers prints the map as markdown, JSON and a table", "[hw][registers][cli]") {
  const Run markdown = run_cli("registers --markdown");
  CHECK(markdown.exit_code == 0);
  CHECK(markdown.output == register_map_markdown());
  const nlohmann::json json = nlohmann::json::parse(run_cli("registers --json").output);
  REQUIRE(json.at("registers").size() == kRegisterCount);
  CHECK(json.at("registers").at(2).at("name") == "CTRL");
  CHECK(json.at("registers").at(2).at("fields").at(0).at("name") == "START");
  CHECK(json.at("windows").at(kThresholdTableWindow).at("base") == 0x10000);
  CHECK_THAT(run_cli("registers").output, Contains("THRESHOLD_TABLE[i]") && Contains("0x00008"));
}

TEST_CASE("CSR bank access rules", "[hw][registers][csr]") {
  CsrBank bank;

  SECTION("reset values as in the table; WO registers cannot be read") {
    for (const RegisterInfo& r : kRegisters) {
      std::uint32_t value = 0xDEADBEEF;
      const AccessStatus status = bank.read(r.offset, 4, value);
      if (r.access == Access::wo) {
        CHECK(status == AccessStatus::access_error);
      } else {
        CHECK(status == AccessStatus::ok);
        CHECK(value == r.reset);
      }
    }
    CHECK(bus_read(bank, "CLIP_THRESHOLD[5]") == kFp32PlusInfinity);
    CHECK(bus_read(bank, "THRESHOLD_TABLE[100]") == kFp32PlusInfinity);
  }
  SECTION("RO registers refuse writes and keep their value") {
    for (const RegisterInfo& r : kRegisters) {
      if (r.access != Access::ro) continue;
      CHECK(bank.write(r.offset, 4, 0x12345678) == AccessStatus::access_error);
      CHECK(bank.get(r.id) == r.reset);
    }
  }
  SECTION("RW registers read back what was written, masked to their fields") {
    bus_write(bank, "SCRATCH", 0xCAFEF00D);
    CHECK(bus_read(bank, "SCRATCH") == 0xCAFEF00D);
    bus_write(bank, "DESC_BASE_LO", 0x89ABCDEF);
    bus_write(bank, "DESC_BASE_HI", 0x01234567);
    CHECK(bank.descriptor_base() == 0x0123456789ABCDEFull);
    bus_write(bank, "DESC_COUNT", 12);
    CHECK(bank.descriptor_count() == 12);
    bus_write(bank, "CLIP_MODE", 0xFFFFFFF1);
    CHECK(bus_read(bank, "CLIP_MODE") == 1);
    CHECK(bank.clip_form() == ClipForm::hard);
    bus_write(bank, "CLIP_MODE", 2);
    CHECK(bank.clip_form() == ClipForm::saturate);
    bus_write(bank, "CLIP_MODE", 0);
    CHECK(bank.clip_form() == ClipForm::relu);
    bus_write(bank, "CLIP_MODE", 3);
    CHECK_FALSE(bank.clip_form().has_value());
    bus_write(bank, "CLIP_TABLE_BASE[5]", 1000);
    bus_write(bank, "CLIP_TABLE_LENGTH[5]", 84);
    CHECK(bank.clip_table_base(5) == 1000);
    CHECK(bank.clip_table_length(5) == 84);
    CHECK(bank.clip_table_length(4) == 0);  // reset: layer-wise
  }
  SECTION("CTRL.START is self-clearing and taken once; ignored while busy") {
    bus_write(bank, "CTRL", kCtrlStart | kCtrlIrqEnable);
    CHECK(bus_read(bank, "CTRL") == kCtrlIrqEnable);
    CHECK(bank.start_pending());
    CHECK(bus_read(bank, "STATUS") == kStatusBusy);  // busy from the accepted START on
    CHECK(bank.take_start());
    CHECK_FALSE(bank.take_start());
    bank.begin_run();
    CHECK(bus_read(bank, "STATUS") == kStatusBusy);
    bus_write(bank, "CTRL", kCtrlStart);
    CHECK_FALSE(bank.start_pending());
  }
  SECTION("end of run: DONE, ERROR, ERROR_CODE, IRQ_STATUS is write-1-to-clear, irq line") {
    bus_write(bank, "CTRL", kCtrlIrqEnable);
    bank.begin_run();
    bank.end_run(DeviceError::sram_overflow);
    CHECK(bus_read(bank, "STATUS") == (kStatusDone | kStatusError));
    CHECK(bus_read(bank, "ERROR_CODE") == static_cast<std::uint32_t>(DeviceError::sram_overflow));
    CHECK(bus_read(bank, "IRQ_STATUS") == kIrqDone);
    CHECK(bank.irq_line());
    bus_write(bank, "IRQ_STATUS", 0);  // writing 0 clears nothing
    CHECK(bus_read(bank, "IRQ_STATUS") == kIrqDone);
    bus_write(bank, "IRQ_STATUS", kIrqDone);
    CHECK(bus_read(bank, "IRQ_STATUS") == 0);
    CHECK_FALSE(bank.irq_line());
    bank.begin_run();
    CHECK(bus_read(bank, "ERROR_CODE") == 0);
    bank.end_run(DeviceError::none);
    CHECK(bus_read(bank, "STATUS") == kStatusDone);
  }
  SECTION("64-bit counters: LO latches HI; COUNTER_CLEAR and SOFT_RESET zero them") {
    bank.add(Counter::macs, 0x1'0000'0005ull);
    CHECK(bank.counter(Counter::macs) == 0x100000005ull);
    CHECK(bus_read(bank, "MACS_LO") == 5);
    bank.add(Counter::macs, 0x1'0000'0000ull);  // HI moves after the LO read
    CHECK(bus_read(bank, "MACS_HI") == 1);       // the latched snapshot
    CHECK(bus_read(bank, "MACS_LO") == 5);
    CHECK(bus_read(bank, "MACS_HI") == 2);
    bank.add(Counter::dram_reads, 7);
    bus_write(bank, "COUNTER_CLEAR", kCounterClear);
    CHECK(bank.counter(Counter::dram_reads) == 0);
    CHECK(bus_read(bank, "MACS_LO") == 0);
    bank.add(Counter::cycles, 99);
    bank.end_run(DeviceError::bad_descriptor);
    bus_write(bank, "SCRATCH", 42);
    bus_write(bank, "CTRL", kCtrlSoftReset | kCtrlIrqEnable);
    CHECK(bank.take_soft_reset());
    CHECK_FALSE(bank.soft_reset_pending());
    CHECK(bank.counter(Counter::cycles) == 0);
    CHECK(bus_read(bank, "STATUS") == 0);
    CHECK(bus_read(bank, "ERROR_CODE") == 0);
    CHECK(bus_read(bank, "IRQ_STATUS") == 0);
    CHECK(bus_read(bank, "CTRL") == kCtrlIrqEnable);
    CHECK(bus_read(bank, "SCRATCH") == 42);  // programmed state survives
  }
  SECTION("hardware side set/get, counter halves, power-on reset") {
    bank.set(RegisterId::stall_cycles_hi, 3);
    bank.set(RegisterId::stall_cycles_lo, 4);
    CHECK(bank.counter(Counter::stall_cycles) == 0x300000004ull);
    bus_write(bank, "SCRATCH", 1);
    bus_write(bank, "CLIP_THRESHOLD[2]", float_bits(2.0f));
    bank.reset();
    CHECK(bus_read(bank, "SCRATCH") == 0);
    CHECK(bank.counter(Counter::stall_cycles) == 0);
    CHECK(bus_read(bank, "CLIP_THRESHOLD[2]") == kFp32PlusInfinity);
  }
  SECTION("bad widths and addresses are refused, never thrown") {
    std::uint32_t value = 0;
    const unsigned bytes = GENERATE(0u, 1u, 2u, 3u, 8u);
    CHECK(bank.read(register_offset("SCRATCH"), bytes, value) == AccessStatus::width_error);
    CHECK(bank.write(register_offset("SCRATCH"), bytes, 1) == AccessStatus::width_error);
    CHECK(bank.write(register_offset("THRESHOLD_TABLE[0]"), bytes, 1) == AccessStatus::width_error);
    CHECK(bank.read(0x002, 4, value) == AccessStatus::address_error);
    CHECK(bank.write(0x200, 4, 1) == AccessStatus::address_error);
    CHECK(bank.read(kCsrSpaceBytes, 4, value) == AccessStatus::address_error);
    CHECK(bank.read(~std::uint64_t{0}, 4, value) == AccessStatus::address_error);
    // The table exists up to the config's threshold_table_words; the window's rest is unmapped.
    CHECK(bank.read(register_offset("THRESHOLD_TABLE[65535]"), 4, value) == AccessStatus::ok);
    CHECK(bank.read(register_offset("THRESHOLD_TABLE[65536]"), 4, value) == AccessStatus::address_error);
    AcceleratorConfig larger;
    larger.threshold_table_words = 100000;
    CsrBank big(larger);
    CHECK(big.write(register_offset("THRESHOLD_TABLE[99999]"), 4, 1) == AccessStatus::ok);
    CHECK(big.write(register_offset("THRESHOLD_TABLE[100000]"), 4, 1) == AccessStatus::address_error);
    CHECK(big.get(RegisterId::threshold_table_words) == 100000);
    CHECK(bus_read(bank, "SCRATCH") == 0);
  }
  SECTION("thresholds: bus writes, clip-unit reads through the fault hook") {
    bus_write(bank, "CLIP_THRESHOLD[3]", float_bits(2.5f));
    bus_write(bank, "THRESHOLD_TABLE[1000]", float_bits(0.75f));
    CHECK(bank.clip_threshold(3) == 2.5f);
    CHECK(bank.threshold_table_value(1000) == 0.75f);
    // Stuck-at-1 on the sign bit of threshold 3, a flip on the table word's exponent LSB.
    auto thresholds = std::make_shared<FaultMap>(std::vector<Fault>{{3, 31, FaultKind::stuck_at_1}});
    bank.clip_thresholds().set_fault_map(thresholds);
    CHECK(bank.clip_threshold(3) == -2.5f);  // stuck-at acts on read, even on old content
    auto table = std::make_shared<FaultMap>(std::vector<Fault>{{1000, 23, FaultKind::flip}});
    bank.threshold_table().set_fault_map(table);
    CHECK(bank.threshold_table_value(1000) == 0.75f);  // a flip acts on the next store
    bus_write(bank, "THRESHOLD_TABLE[1000]", float_bits(0.75f));
    CHECK(bank.threshold_table_value(1000) == 1.5f);
    CHECK(bus_read(bank, "THRESHOLD_TABLE[1000]") == float_bits(1.5f));
    CHECK(table->changed_stores() == 1);
    CHECK_THROWS_AS(bank.clip_threshold(kClipUnits), std::out_of_range);
    const auto too_far = std::make_shared<FaultMap>(std::vector<Fault>{{kClipUnits, 0, FaultKind::flip}});
    CHECK_THROWS_WITH(bank.clip_thresholds().set_fault_map(too_far), Contains("faults[0]") && Contains("64 words"));
  }
  SECTION("parameter registers from the accelerator config") {
    const AcceleratorConfig config = preset("edge-8x8");
    CsrBank edge(config);
    CHECK(bus_read(edge, "ARRAY_ROWS") == 8);
    CHECK(bus_read(edge, "ARRAY_COLS") == 8);
    CHECK(bus_read(edge, "WEIGHT_FORMAT") == 3);  // int8
    CHECK(bus_read(edge, "WEIGHT_SRAM_BYTES") == config.weight_sram_bytes);
    CHECK(bus_read(edge, "ACT_SRAM_BYTES") == config.act_sram_bytes);
    CsrBank scalesim(preset("scalesim-32x32"));
    CHECK(bus_read(scalesim, "DATAFLOW") == 1);  // output stationary
    CHECK(bus_read(scalesim, "WEIGHT_SRAM_ECC") == 0);
    AcceleratorConfig secded = preset("default");
    secded.weight_sram_ecc = EccScheme::secded_72_64;
    CsrBank protected_bank(secded);
    CHECK(bus_read(protected_bank, "WEIGHT_SRAM_ECC") == 3);
    edge.reset();
    CHECK(bus_read(edge, "ARRAY_ROWS") == 8);
  }
}

TEST_CASE("CSR target over TLM: responses, latency, START event", "[hw][registers][csr][tlm]") {
  CsrTestbench& tb = *csr_testbench;
  tb.bank.reset();
  using R = Transaction;
  R scratch_write{}, scratch_read{}, unmapped{}, unaligned{}, narrow{}, wide{}, ro_write{}, wo_read{}, enables{},
      id_read{}, ignore{}, start{};
  const int notifications_before = tb.watcher.notifications;
  tb.cpu.run([&] {
    scratch_write = transact(tb.cpu, tlm::TLM_WRITE_COMMAND, register_offset("SCRATCH"), 0xA5A5A5A5);
    scratch_read = transact(tb.cpu, tlm::TLM_READ_COMMAND, register_offset("SCRATCH"), 0);
    id_read = transact(tb.cpu, tlm::TLM_READ_COMMAND, register_offset("ID"), 0);
    unmapped = transact(tb.cpu, tlm::TLM_READ_COMMAND, 0x300, 0);
    unaligned = transact(tb.cpu, tlm::TLM_WRITE_COMMAND, register_offset("SCRATCH") + 2, 1);
    narrow = transact(tb.cpu, tlm::TLM_WRITE_COMMAND, register_offset("SCRATCH"), 1, 2);
    wide = transact(tb.cpu, tlm::TLM_READ_COMMAND, register_offset("SCRATCH"), 0, 8);
    ro_write = transact(tb.cpu, tlm::TLM_WRITE_COMMAND, register_offset("STATUS"), 7);
    wo_read = transact(tb.cpu, tlm::TLM_READ_COMMAND, register_offset("COUNTER_CLEAR"), 0);
    unsigned char byte_enables[4] = {0xFF, 0xFF, 0, 0};
    enables = transact(tb.cpu, tlm::TLM_WRITE_COMMAND, register_offset("SCRATCH"), 1, 4, byte_enables);
    ignore = transact(tb.cpu, tlm::TLM_IGNORE_COMMAND, 0x300, 0);
    start = transact(tb.cpu, tlm::TLM_WRITE_COMMAND, register_offset("CTRL"), kCtrlStart);
  });
  CHECK(scratch_write.status == tlm::TLM_OK_RESPONSE);
  CHECK(scratch_read.status == tlm::TLM_OK_RESPONSE);
  CHECK(scratch_read.data == 0xA5A5A5A5);
  CHECK(scratch_read.delay == kCsrLatency);
  CHECK(id_read.data == kDeviceIdMagic);
  CHECK(unmapped.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(unmapped.delay == kCsrLatency);
  CHECK(unaligned.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(narrow.status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(wide.status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(ro_write.status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(wo_read.status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(enables.status == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  CHECK(ignore.status == tlm::TLM_OK_RESPONSE);
  CHECK(start.status == tlm::TLM_OK_RESPONSE);
  CHECK(tb.bank.get(RegisterId::scratch) == 0xA5A5A5A5);  // refused accesses changed nothing
  CHECK(tb.bank.get(RegisterId::status) == kStatusBusy);  // an accepted START reads BUSY at once
  CHECK(tb.watcher.notifications == notifications_before + 1);
  CHECK(tb.bank.take_start());

  SECTION("registers grant no direct memory access: not by a hint, not on request") {
    bool hint = true;
    unsigned char word[4] = {};
    tb.cpu.run([&] {
      sc_core::sc_time delay;
      tb.cpu.transport(tlm::TLM_READ_COMMAND, register_offset("SCRATCH"), word, 4, delay, &hint);
    });
    CHECK_FALSE(hint);
    tlm::tlm_generic_payload payload;
    payload.set_command(tlm::TLM_READ_COMMAND);
    payload.set_address(register_offset("SCRATCH"));
    tlm::tlm_dmi dmi;
    CHECK_FALSE(tb.cpu.socket->get_direct_mem_ptr(payload, dmi));
    CHECK(dmi.get_dmi_ptr() == nullptr);
  }
}
