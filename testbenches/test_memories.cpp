// Memories and fault hooks: the word memory's bounds, masks and counts; flip and stuck-at faults
// on store and read; fault maps as JSON data; the ping-pong activation SRAM; and the DRAM TLM
// target through a real socket (b_transport, debug transport, DMI).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <systemc>
#include <tlm>
#include <vector>

#include "hw/config.hpp"
#include "hw/faults/fault_hook.hpp"
#include "hw/memory/memory_target.hpp"
#include "hw/memory/sram.hpp"
#include "testbenches/elaborated.hpp"
#include "testbenches/tlm_initiator.hpp"

using namespace proact;
using proact::testing::Elaborated;
using proact::testing::TestInitiator;
using Catch::Matchers::Contains;

namespace {

// A hook that records every call and changes nothing: the memory calls it on each access.
struct RecordingHook : FaultHook {
  std::vector<std::uint64_t> stores, reads;
  std::uint32_t on_store(std::uint64_t address, std::uint32_t word) override {
    stores.push_back(address);
    return word;
  }
  std::uint32_t on_read(std::uint64_t address, std::uint32_t word) override {
    reads.push_back(address);
    return word;
  }
};

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("word memory: widths, bounds and access counts", "[hw][memory]") {
  WordMemory memory("test_sram", 16, 8);
  CHECK(memory.size() == 16);
  CHECK(memory.word_mask() == 0xFFu);
  memory.store(3, 0x1234);  // masked to 8 bits
  CHECK(memory.read(3) == 0x34);
  CHECK(memory.cells(3) == 0x34);
  CHECK(memory.writes() == 1);
  CHECK(memory.reads() == 1);
  const std::vector<std::uint32_t> block = {1, 2, 3, 4};
  memory.store_block(12, block.data(), block.size());
  std::vector<std::uint32_t> out(4);
  memory.read_block(12, out.data(), out.size());
  CHECK(out == block);
  CHECK(memory.writes() == 5);
  CHECK(memory.reads() == 5);
  memory.reset_counters();
  CHECK(memory.reads() == 0);
  CHECK(memory.writes() == 0);

  SECTION("out-of-range accesses throw naming the memory, address and size") {
    CHECK_THROWS_AS(memory.read(16), std::out_of_range);
    CHECK_THROWS_WITH(memory.store(16, 0), Contains("test_sram") && Contains("16") && Contains("16 words"));
    CHECK_THROWS_WITH(memory.store_block(14, block.data(), block.size()), Contains("address 14") && Contains("4 words"));
    CHECK(memory.cells(14) == 3);  // nothing of the refused block was stored
    CHECK_THROWS_AS(memory.cells(~std::uint64_t{0}), std::out_of_range);
  }
  SECTION("construction is validated") {
    CHECK_THROWS_WITH(WordMemory("m", 0, 32), Contains("m") && Contains("at least one word"));
    CHECK_THROWS_WITH(WordMemory("m", 4, 7), Contains("7 bits") && Contains("8..32"));
    CHECK_THROWS_AS(WordMemory("m", 4, 33), std::invalid_argument);
    CHECK(WordMemory("m", 4, 32).word_mask() == 0xFFFFFFFFu);
  }
  SECTION("the installed hook sees every store and read, including blocks; fill is not counted") {
    auto hook = std::make_shared<RecordingHook>();
    memory.set_fault_hook(hook);
    memory.store(5, 1);
    memory.read(5);
    memory.read_block(12, out.data(), 2);
    CHECK(hook->stores == std::vector<std::uint64_t>{5});
    CHECK(hook->reads == std::vector<std::uint64_t>{5, 12, 13});
    memory.fill(0);
    CHECK(hook->stores.size() == 17);
    CHECK(memory.writes() == 1);
    memory.set_fault_hook(nullptr);
    memory.read(0);
    CHECK(hook->reads.size() == 3);
  }
}

TEST_CASE("store_and_read_back is store_block then read_block of the floats' bits", "[hw][memory]") {
  const std::vector<float> values = {1.5f, -2.25f, 3.0e-7f, 1.0e9f, -0.0f};
  const auto bits = [](float v) {
    std::uint32_t w;
    std::memcpy(&w, &v, sizeof w);
    return w;
  };
  const int word_bits = GENERATE(32, 16);
  const bool hooked = GENERATE(false, true);
  INFO(word_bits << " bits, " << (hooked ? "hooked" : "no hook"));
  // Reference: the words staged through store_block / read_block.
  WordMemory reference("reference", 8, word_bits), memory("memory", 8, word_bits);
  const FaultMap faults({{4, 0, FaultKind::flip}, {5, 15, FaultKind::stuck_at_1}});
  if (hooked) {
    reference.set_fault_hook(std::make_shared<FaultMap>(faults));
    memory.set_fault_hook(std::make_shared<FaultMap>(faults));
  }
  std::vector<std::uint32_t> words;
  for (float v : values) words.push_back(bits(v));
  reference.store_block(3, words.data(), words.size());
  reference.read_block(3, words.data(), words.size());
  std::vector<float> staged = values;
  memory.store_and_read_back(3, staged.data(), staged.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    CHECK(bits(staged[i]) == words[i]);
    CHECK(memory.cells(3 + i) == reference.cells(3 + i));
  }
  CHECK((memory.writes() == 5 && memory.reads() == 5));
  if (hooked) CHECK(words[1] != (bits(values[1]) & reference.word_mask()));  // the flip at address 4 acted
  SECTION("a recording hook sees every store, then every read") {
    auto hook = std::make_shared<RecordingHook>();
    memory.set_fault_hook(hook);
    memory.store_and_read_back(0, staged.data(), 2);
    CHECK(hook->stores == std::vector<std::uint64_t>{0, 1});
    CHECK(hook->reads == std::vector<std::uint64_t>{0, 1});
  }
}

TEST_CASE("fault map: flips on store, stuck-at on store and read", "[hw][memory][faults]") {
  WordMemory memory("weights", 8, 32);
  auto map = std::make_shared<FaultMap>(std::vector<Fault>{
      {2, 0, FaultKind::flip}, {2, 31, FaultKind::flip}, {4, 3, FaultKind::stuck_at_0}, {5, 7, FaultKind::stuck_at_1}});
  memory.store(4, 0xFF);  // stored before the map: stuck-at still hits the read
  memory.set_fault_map(map);

  SECTION("flip inverts the stored bit; the read port delivers the cells") {
    memory.store(2, 0x00000010);
    CHECK(memory.cells(2) == 0x80000011);
    CHECK(memory.read(2) == 0x80000011);
    CHECK(map->changed_stores() == 1);
    CHECK(map->changed_reads() == 0);
    memory.store(2, 0x80000011);  // writing the faulted word back flips the same bits again
    CHECK(memory.read(2) == 0x00000010);
  }
  SECTION("stuck-at forces the bit on read even for old content, and on store") {
    CHECK(memory.cells(4) == 0xFF);
    CHECK(memory.read(4) == 0xF7);
    CHECK(map->changed_reads() == 1);
    memory.store(4, 0xFF);
    CHECK(memory.cells(4) == 0xF7);
    CHECK(memory.read(4) == 0xF7);
    CHECK(map->changed_reads() == 1);  // the cells already hold the stuck value
    memory.store(5, 0x80);            // already 1 at bit 7: nothing changes
    CHECK(map->changed_stores() == 1);
    memory.store(5, 0x00);
    CHECK(memory.read(5) == 0x80);
    CHECK(map->changed_stores() == 2);
  }
  SECTION("unfaulted words pass untouched") {
    memory.store(0, 0x12345678);
    CHECK(memory.read(0) == 0x12345678);
    CHECK(map->changed_stores() == 0);
  }
  SECTION("clearing the map between inferences: cells keep their faulted content until rewritten") {
    memory.store(2, 0);
    memory.set_fault_map(nullptr);
    CHECK(memory.read(2) == 0x80000001);
    CHECK(memory.read(4) == 0xFF);
    memory.store(2, 0);
    CHECK(memory.read(2) == 0);
    map->reset_counts();
    CHECK(map->changed_stores() == 0);
  }
  SECTION("a map is checked against the memory it is installed in") {
    WordMemory narrow("act", 8, 16);
    CHECK_THROWS_WITH(narrow.set_fault_map(map), Contains("faults[1]") && Contains("bit 31") &&
                                                     Contains("16-bit words of act"));
    WordMemory small("small", 4, 32);
    CHECK_THROWS_WITH(small.set_fault_map(map), Contains("faults[2]") && Contains("address 4") && Contains("small") &&
                                                    Contains("0..3"));
    CHECK(small.fault_hook() == nullptr);
  }
  SECTION("bad entries are rejected naming them") {
    CHECK_THROWS_WITH(FaultMap({{0, 32, FaultKind::flip}}), Contains("faults[0]") && Contains("0..31"));
    CHECK_THROWS_WITH(FaultMap({{0, -1, FaultKind::flip}}), Contains("faults[0]"));
    CHECK_THROWS_WITH(FaultMap({{7, 1, FaultKind::flip}, {3, 1, FaultKind::flip}, {7, 1, FaultKind::stuck_at_0}}),
                      Contains("faults[0]") && Contains("faults[2]") && Contains("same bit"));
  }
}

TEST_CASE("fault map JSON round trip and errors", "[hw][memory][faults]") {
  const FaultMap map({{10, 3, FaultKind::flip}, {1, 0, FaultKind::stuck_at_1}, {1, 5, FaultKind::stuck_at_0}});
  const nlohmann::json json = fault_map_to_json(map);
  CHECK(json.at("faults").at(0) == nlohmann::json{{"address", 10}, {"bit", 3}, {"kind", "flip"}});
  CHECK(fault_map_from_json(json).faults() == map.faults());
  const std::string path = write_temp("proact_test_fault_map.json", "");
  save_fault_map(map, path);
  CHECK(load_fault_map(path).faults() == map.faults());
  CHECK(fault_map_from_json(nlohmann::json::parse(R"({"faults": []})")).empty());
  CHECK(json.at("faults").at(1).at("kind") == "stuck-at-1");
  // Files written before the kinds took the campaign's spelling still read.
  CHECK(fault_map_from_json(nlohmann::json::parse(R"({"faults": [{"address": 1, "bit": 0, "kind": "stuck_at_1"}]})"))
            .faults() == std::vector<Fault>{{1, 0, FaultKind::stuck_at_1}});

  struct Case {
    const char* text;
    const char* message;
  };
  const Case bad = GENERATE(Case{R"([])", "{\"faults\""}, Case{R"({"faults": {}})", "must be an array"},
                            Case{R"({"faults": [], "seed": 1})", "unknown key 'seed'"},
                            Case{R"({"faults": [3]})", "faults[0]: expected an object"},
                            Case{R"({"faults": [{"bit": 1, "kind": "flip"}]})", "faults[0]: missing key 'address'"},
                            Case{R"({"faults": [{"address": 1, "bit": 1, "kind": "flip", "x": 0}]})",
                                 "faults[0]: unknown key 'x'"},
                            Case{R"({"faults": [{"address": 0, "bit": 0, "kind": "flip"},
                                               {"address": -4, "bit": 1, "kind": "flip"}]})",
                                 "faults[1]: 'address' must be a non-negative integer"},
                            Case{R"({"faults": [{"address": 1, "bit": 1.5, "kind": "flip"}]})", "faults[0]: 'bit'"},
                            Case{R"({"faults": [{"address": 1, "bit": 40, "kind": "flip"}]})",
                                 "faults[0]: 'bit' = 40 is outside 0..31"},
                            Case{R"({"faults": [{"address": 1, "bit": 1, "kind": "seu"}]})",
                                 "faults[0]: unknown fault kind 'seu'"},
                            Case{R"({"faults": [{"address": 1, "bit": 1, "kind": 2}]})", "faults[0]: 'kind' must be"},
                            Case{R"({"faults": [{"address": 1, "bit": 1, "kind": "flip"},
                                               {"address": 1, "bit": 1, "kind": "flip"}]})",
                                 "same bit"});
  CAPTURE(bad.text);
  CHECK_THROWS_AS(fault_map_from_json(nlohmann::json::parse(bad.text)), std::invalid_argument);
  CHECK_THROWS_WITH(fault_map_from_json(nlohmann::json::parse(bad.text)), Contains(bad.message));

  SECTION("file errors name the file") {
    CHECK_THROWS_WITH(load_fault_map("/nonexistent/map.json"), Contains("/nonexistent/map.json"));
    const std::string broken = write_temp("proact_test_fault_map_broken.json", R"({"faults": [{"address": 1}]})");
    CHECK_THROWS_WITH(load_fault_map(broken), Contains(broken) && Contains("faults[0]"));
    const std::string garbage = write_temp("proact_test_fault_map_garbage.json", "{not json");
    CHECK_THROWS_WITH(load_fault_map(garbage), Contains(garbage));
  }
}

TEST_CASE("weight SRAM and the two-bank activation SRAM from the config", "[hw][memory]") {
  const AcceleratorConfig config = preset("edge-8x8");
  WordMemory weights = make_weight_sram(config);
  CHECK(weights.name() == "weight_sram");
  CHECK(weights.size() == config.weight_sram_bytes);  // 8-bit words
  CHECK(weights.word_bits() == 8);

  ActivationSram act(config);
  CHECK(act.bank(0).size() == config.act_sram_bytes / 4);
  CHECK(act.bank(1).word_bits() == 32);
  // One space of both banks: bank 0's words, then bank 1's; a range may cross from one to the other.
  const std::uint64_t bank_words = act.bank(0).size();
  CHECK(act.size() == 2 * bank_words);
  const float written[3] = {1.5f, -2.0f, 3.25f};
  act.store(bank_words - 1, written, 3);
  CHECK(act.bank(0).cells(bank_words - 1) == 0x3FC00000u);  // 1.5f
  CHECK(act.bank(1).cells(1) == 0x40500000u);              // 3.25f
  float read[3] = {};
  act.read(bank_words - 1, read, 3);
  CHECK(std::equal(read, read + 3, written));
  CHECK(act.writes() == 3);
  CHECK(act.reads() == 3);
  CHECK_THROWS_WITH(act.read(2 * bank_words - 1, read, 2), Contains("run past its"));
  CHECK_THROWS_AS(act.bank(2), std::out_of_range);
}

TEST_CASE("surviving_from: the words of each write that no later write to its region covers", "[hw][memory]") {
  // Regions 0 and 1 alternate (ping-pong); the last write is short, so the one before it in its
  // region keeps its tail.
  CHECK(surviving_from({0, 1, 0, 1, 0}, {4, 4, 4, 4, 2}) == std::vector<std::uint64_t>{4, 4, 2, 0, 0});
  CHECK(surviving_from({0, 0, 0}, {2, 5, 3}) == std::vector<std::uint64_t>{2, 3, 0});
  CHECK(surviving_from({3}, {7}) == std::vector<std::uint64_t>{0});
  CHECK(surviving_from({}, {}).empty());
}

TEST_CASE("staging through the activation banks: cells, counts and values as chunk by chunk, hooked or not",
          "[hw][memory]") {
  const std::uint64_t bank_words = 8;
  const std::uint64_t count = GENERATE(0, 1, 8, 9, 16, 20, 43);
  // The whole SRAM (chunks of a bank, alternating banks), or the words below residents: halves
  // that cross the banks' boundary.
  const std::uint64_t stage_words = GENERATE(16, 12);
  INFO("count " << count << ", staging words " << stage_words);
  std::vector<float> values(count);
  for (std::uint64_t i = 0; i < count; ++i) values[i] = 0.5f + static_cast<float>(i);

  // With a hook that changes nothing every chunk is stored and read back word by word.
  ActivationSram hooked(bank_words), plain(bank_words);
  auto hook = std::make_shared<RecordingHook>();
  hooked.bank(0).set_fault_hook(hook);
  hooked.bank(1).set_fault_hook(hook);
  std::vector<float> hooked_values = values, plain_values = values;
  hooked.stage(hooked_values.data(), count, stage_words);
  plain.stage(plain_values.data(), count, stage_words);
  CHECK(hook->stores.size() == count);
  CHECK(hook->reads.size() == count);
  CHECK(plain_values == values);
  CHECK(hooked_values == values);
  for (int b = 0; b < 2; ++b) {
    CHECK(plain.bank(b).reads() == hooked.bank(b).reads());
    CHECK(plain.bank(b).writes() == hooked.bank(b).writes());
    for (std::uint64_t a = 0; a < bank_words; ++a) CHECK(plain.bank(b).cells(a) == hooked.bank(b).cells(a));
  }
  for (std::uint64_t a = stage_words; a < 2 * bank_words; ++a) {  // the words above the staging ones are left alone
    CHECK(hooked.bank(static_cast<int>(a / bank_words)).cells(a % bank_words) == 0);
    CHECK(plain.bank(static_cast<int>(a / bank_words)).cells(a % bank_words) == 0);
  }
  CHECK_THROWS_WITH(hooked.bank(0).count_overwritten(1), Contains("act_sram[0]") && Contains("fault hook"));
}

namespace {

const sc_core::sc_time kDramLatency(50, sc_core::SC_NS);
const sc_core::sc_time kDramWordTime(2, sc_core::SC_NS);

// Declared once, elaborated on first use (testbenches/elaborated.hpp).
struct DramTestbench {
  DramTarget dram{"dram", 4096, DramTiming{kDramLatency, kDramWordTime}};
  TestInitiator dma{"dram_dma"};
  DramTestbench() { dma.socket.bind(dram.socket); }
};
Elaborated<DramTestbench> dram_testbench;

}  // namespace

TEST_CASE("DRAM target over TLM: b_transport, debug transport and DMI agree", "[hw][memory][tlm]") {
  DramTestbench& tb = *dram_testbench;
  std::vector<std::uint32_t> pattern = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
  std::vector<std::uint32_t> read_back(4), via_dmi(4), via_debug(4);
  tlm::tlm_response_status write_status{}, read_status{}, beyond{}, straddle{}, streaming{}, enables_status{};
  sc_core::sc_time write_delay, read_delay, beyond_delay;
  bool dmi_hint = false, granted = false, dmi_refused_beyond = false;
  sc_dt::uint64 refused_start = 0;
  tlm::tlm_dmi dmi;
  unsigned debug_count = 0, debug_tail = 0;
  std::uint32_t masked = 0;

  const auto bytes = [](auto* words) { return reinterpret_cast<unsigned char*>(words); };
  tb.dma.run([&] {
    bool hint = false;
    write_status = tb.dma.transport(tlm::TLM_WRITE_COMMAND, 0x100, bytes(pattern.data()),
                                    16, write_delay, &dmi_hint);
    read_status = tb.dma.transport(tlm::TLM_READ_COMMAND, 0x100, bytes(read_back.data()), 16,
                                   read_delay, &hint);
    std::uint32_t word = 0;
    beyond = tb.dma.transport(tlm::TLM_READ_COMMAND, 4096, bytes(&word), 4, beyond_delay,
                              &hint);
    sc_core::sc_time delay;
    straddle = tb.dma.transport(tlm::TLM_WRITE_COMMAND, 4094, bytes(&word), 4, delay, &hint);
    streaming = tb.dma.transport(tlm::TLM_READ_COMMAND, 0, bytes(read_back.data()), 8,
                                 delay, &hint, nullptr, 4);
    // Byte enables: only the low two bytes of 0xAABBCCDD land on 0x11111111.
    std::uint32_t value = 0xAABBCCDD;
    unsigned char byte_enables[4] = {TLM_BYTE_ENABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED};
    enables_status = tb.dma.transport(tlm::TLM_WRITE_COMMAND, 0x100, bytes(&value), 4,
                                      delay, &hint, byte_enables);
    tb.dram.read_bytes(0x100, &masked, 4);

    // DMI: write the pattern back through the pointer, read it with b_transport.
    tlm::tlm_generic_payload request;
    request.set_address(0x100);
    request.set_command(tlm::TLM_READ_COMMAND);
    granted = tb.dma.socket->get_direct_mem_ptr(request, dmi);
    std::memcpy(dmi.get_dmi_ptr() + 0x100, pattern.data(), 16);
    tb.dma.transport(tlm::TLM_READ_COMMAND, 0x100, bytes(read_back.data()), 16, delay, &hint);
    // ... and write with b_transport, read through DMI.
    std::uint32_t changed = 0x55555555;
    tb.dma.transport(tlm::TLM_WRITE_COMMAND, 0x108, bytes(&changed), 4, delay, &hint);
    std::memcpy(via_dmi.data(), dmi.get_dmi_ptr() + 0x100, 16);
    tlm::tlm_dmi refused;
    request.set_address(4096);
    dmi_refused_beyond = !tb.dma.socket->get_direct_mem_ptr(request, refused) && refused.is_none_allowed();
    refused_start = refused.get_start_address();

    // Debug transport: untimed, clipped at the end of memory.
    tlm::tlm_generic_payload debug;
    debug.set_command(tlm::TLM_READ_COMMAND);
    debug.set_address(0x100);
    debug.set_data_ptr(bytes(via_debug.data()));
    debug.set_data_length(16);
    debug_count = tb.dma.socket->transport_dbg(debug);
    std::uint32_t tail[4] = {};
    debug.set_address(4092);
    debug.set_data_ptr(bytes(tail));
    debug_tail = tb.dma.socket->transport_dbg(debug);
  });

  CHECK(write_status == tlm::TLM_OK_RESPONSE);
  CHECK(read_status == tlm::TLM_OK_RESPONSE);
  CHECK(write_delay == kDramLatency + 4 * kDramWordTime);
  CHECK(read_delay == kDramLatency + 4 * kDramWordTime);
  CHECK(dmi_hint);
  CHECK(beyond == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(beyond_delay == kDramLatency + kDramWordTime);
  CHECK(straddle == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(streaming == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(enables_status == tlm::TLM_OK_RESPONSE);
  CHECK(masked == 0x1111CCDD);

  REQUIRE(granted);
  CHECK(dmi.is_read_write_allowed());
  CHECK(dmi.get_start_address() == 0);
  CHECK(dmi.get_end_address() == 4095);
  CHECK(dmi.get_read_latency() == kDramWordTime);
  CHECK(dmi.get_write_latency() == kDramWordTime);
  CHECK(read_back == pattern);
  CHECK(via_dmi == std::vector<std::uint32_t>{0x11111111, 0x22222222, 0x55555555, 0x44444444});
  CHECK(dmi_refused_beyond);
  CHECK(refused_start == 4096);
  CHECK(debug_count == 16);
  CHECK(via_debug == via_dmi);
  CHECK(debug_tail == 4);

  SECTION("backdoor access is bounds-checked") {
    std::uint32_t word = 0;
    CHECK_THROWS_AS(tb.dram.read_bytes(4093, &word, 4), std::out_of_range);
    CHECK_THROWS_WITH(tb.dram.write_bytes(~std::uint64_t{0}, &word, 4), Contains("4096 bytes"));
    tb.dram.write_bytes(4092, &word, 4);
  }
  SECTION("timing from the config") {
    AcceleratorConfig config;
    config.clock_mhz = 500.0;  // 2 ns period
    config.dram_latency_cycles = 10;
    config.dram_words_per_cycle = 4.0;
    const DramTiming timing = dram_timing(config);
    CHECK(timing.latency == sc_core::sc_time(20, sc_core::SC_NS));
    CHECK(timing.word_time == sc_core::sc_time(0.5, sc_core::SC_NS));
  }
}
