// Golden register traces (sw/driver/bus_trace.hpp, traces/): the file round trip and its refusals,
// and a replay that fails, naming the line, as soon as a recorded read differs. That every trace
// in traces/ replays is one ctest entry per file (testbenches/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <filesystem>

#include "hw/interface/register_map.hpp"
#include "hw/memory/interconnect.hpp"
#include "models/io/gzip_file.hpp"
#include "sw/driver/bus_trace.hpp"
#include "testbenches/cli_runner.hpp"

using namespace proact;
using proact::testing::run_cli;
using Catch::Matchers::Contains;

namespace {

std::string temp_path(const std::string& name) { return (std::filesystem::temp_directory_path() / name).string(); }

}  // namespace

TEST_CASE("golden traces: the file round trip, and files that are not traces are refused naming the line", "[traces]") {
  BusTrace trace;
  trace.config = preset("edge-8x8");
  trace.source = {{"model", "test"}};
  trace.accesses = {{BusAccess::Op::write, kCsrBase + register_offset(RegisterId::scratch), {0xA5A5A5A5u}, false},
                    {BusAccess::Op::read, 0x1000, {1u, 0xFFFFFFFFu, 0u}, false},
                    {BusAccess::Op::run, 0, {2u}, true}};
  const std::string path = temp_path("proact_test.trace.gz");
  save_bus_trace(trace, path);
  const BusTrace back = load_bus_trace(path);
  CHECK(config_to_json(back.config) == config_to_json(trace.config));
  CHECK(back.source == trace.source);
  REQUIRE(back.accesses.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back.accesses[i].op == trace.accesses[i].op);
    CHECK(back.accesses[i].address == trace.accesses[i].address);
    CHECK(back.accesses[i].words == trace.accesses[i].words);
    CHECK(back.accesses[i].poll == trace.accesses[i].poll);
  }

  const std::string text = read_gzip_file(path);
  const std::string header = text.substr(0, text.find('\n') + 1);
  const std::size_t version_at = header.find("\"register_map\":\"") + 16;
  const std::string other_map = header.substr(0, version_at) + "0.9" + header.substr(header.find('"', version_at));
  struct Case {
    std::string content;
    const char* message;
  };
  const Case bad = GENERATE_COPY(
      Case{"", "empty file"}, Case{"{\"format\": \"other\"}\n", "line 1: not a proact bus trace"},
      Case{"not json\n", "line 1: not JSON"},
      Case{other_map, "record the trace again"},
      Case{header + "{\"op\": \"jump\"}\n", "line 2: unknown op 'jump'"},
      Case{header + "{\"op\": \"write\", \"address\": \"0x10\", \"words\": \"12345\"}\n", "line 2: 'words'"});
  CAPTURE(bad.content);
  const std::string broken = temp_path("proact_test_broken.trace.gz");
  write_gzip_file_atomically(broken, bad.content);
  CHECK_THROWS_WITH(load_bus_trace(broken), Contains(broken) && Contains(bad.message));
}

TEST_CASE("golden traces: a replay fails at the first read that differs from the recording", "[traces][cli]") {
  BusTrace trace = load_bus_trace("traces/lenet5.trace.gz");
  std::size_t last_read = 0;
  for (std::size_t i = 0; i < trace.accesses.size(); ++i)
    if (trace.accesses[i].op == BusAccess::Op::read && trace.accesses[i].address < kCsrBase) last_read = i;
  REQUIRE(last_read > 0);
  SECTION("an output word") {
    trace.accesses[last_read].words.at(3) ^= 1u;  // the logits the hardware computed
    const std::string path = temp_path("proact_test_output.trace.gz");
    save_bus_trace(trace, path);
    const auto replay = run_cli("trace replay " + path, true);
    CHECK(replay.exit_code == 1);
    CHECK_THAT(replay.output, Contains(path) && Contains("line " + std::to_string(last_read + 2)) &&
                                  Contains("read of DRAM 0x"));
  }
  SECTION("a register the hardware sets: the cycle counter") {
    for (BusAccess& a : trace.accesses)
      if (a.op == BusAccess::Op::read && a.address == kCsrBase + register_offset(RegisterId::cycles_lo)) a.words[0] += 1;
    const std::string path = temp_path("proact_test_cycles.trace.gz");
    save_bus_trace(trace, path);
    const auto replay = run_cli("trace replay " + path, true);
    CHECK(replay.exit_code == 1);
    CHECK_THAT(replay.output, Contains("read of CYCLES_LO"));
  }
  SECTION("the unchanged trace replays") {
    const auto replay = run_cli("trace replay traces/lenet5.trace.gz");
    CHECK(replay.exit_code == 0);
    CHECK_THAT(replay.output, Contains("every read as recorded"));
  }
}
