// Every reader of outside data (testbenches/fuzz/readers.hpp) on hostile input, in the normal
// suite: random bytes and truncated copies of real files are refused with an error, never a
// crash, and every input a fuzzer once crashed a reader with (testbenches/fuzz/regressions/)
// runs again. Under `make sanitize` the same runs are checked by ASan and UBSan.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "testbenches/file_helpers.hpp"
#include "sw/campaign/map_log.hpp"
#include "testbenches/fuzz/readers.hpp"

using namespace proact;

namespace {

namespace fs = std::filesystem;

const fuzz::Reader& reader_named(const std::string& name) {
  for (const fuzz::Reader& r : fuzz::kReaders)
    if (name == r.name) return r;
  FAIL("no reader named " << name);
  throw std::logic_error("unreachable");
}

std::vector<std::uint8_t> bytes_of(const fs::path& path) {
  const std::string text = testing::read_text(path);
  return {text.begin(), text.end()};
}

}  // namespace

TEST_CASE("every reader refuses random bytes with an error, never a crash", "[readers]") {
  testing::TempDir dir;
  std::mt19937 rng(17);
  for (const fuzz::Reader& reader : fuzz::kReaders) {
    INFO(reader.name);
    for (int input = 0; input < 50; ++input) {
      std::vector<std::uint8_t> bytes(std::uniform_int_distribution<std::size_t>(1, 600)(rng));
      for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(rng());
      // maps.jsonl drops an unterminated last line (a record a kill cut short): bytes with no
      // complete non-empty line are an empty log, which is fine.
      const std::string text(bytes.begin(), bytes.end());
      const std::size_t last_newline = text.rfind('\n');
      const bool complete_line = last_newline != std::string::npos &&
                                 text.substr(0, last_newline).find_first_not_of('\n') != std::string::npos;
      const bool refusable = std::string(reader.name) != "map_log" || complete_line;
      if (refusable) CHECK_FALSE(fuzz::run_reader(reader, dir.file(""), bytes.data(), bytes.size()));
      else CHECK(fuzz::run_reader(reader, dir.file(""), bytes.data(), bytes.size()));
    }
  }
}

TEST_CASE("a truncated file is refused by its reader, the whole file read", "[readers]") {
  testing::TempDir dir;
  const auto [name, file] = GENERATE(table<std::string, std::string>({
      {"config", "examples/accelerator/edge-8x8.json"},
      {"thresholds", "models/zoo/lenet5.proact.thresholds.json"},
      {"checkpoint", "models/zoo/lenet5.ckpt"},
      {"energy_table", "hw/energy/energy-45nm.json"},
      {"onnx", "testbenches/fixtures/onnx/residual_opset9.onnx"},
  }));
  INFO(name << " on " << file);
  const fuzz::Reader& reader = reader_named(name);
  const std::vector<std::uint8_t> whole = bytes_of(file);
  REQUIRE(fuzz::run_reader(reader, dir.file(""), whole.data(), whole.size()));
  std::mt19937 rng(5);
  for (int cut = 0; cut < 20; ++cut) {
    const std::size_t size = std::uniform_int_distribution<std::size_t>(0, whole.size() - 1)(rng);
    INFO("first " << size << " of " << whole.size() << " bytes");
    CHECK_FALSE(fuzz::run_reader(reader, dir.file(""), whole.data(), size));
  }
}

TEST_CASE("every input a fuzzer once crashed a reader with runs again", "[readers]") {
  testing::TempDir dir;
  const fs::path regressions = "testbenches/fuzz/regressions";
  REQUIRE(fs::is_directory(regressions));
  int inputs = 0;
  for (const auto& folder : fs::directory_iterator(regressions)) {
    if (!folder.is_directory()) continue;
    const fuzz::Reader& reader = reader_named(folder.path().filename().string());
    for (const auto& input : fs::directory_iterator(folder.path())) {
      INFO(input.path());
      const std::vector<std::uint8_t> bytes = bytes_of(input.path());
      fuzz::run_reader(reader, dir.file(""), bytes.data(), bytes.size());  // returns: no crash
      ++inputs;
    }
  }
  SUCCEED(inputs << " regression inputs replayed");
}

TEST_CASE("a map record whose counts are not non-negative integers is refused naming the field", "[readers]") {
  // Found by fuzz_map_log: a seed beyond 2^64 parses as a float, whose conversion was undefined.
  nlohmann::json record = nlohmann::json::parse(
      R"({"fault_model": "proact-paper", "rate": 1e-5, "method": "none", "map": 0, "seed": 7, "images": 10,
          "correct": 9, "mismatches": 1, "faults": 2, "ecc": {"corrected": 0, "detected": 0, "silent": 0}})");
  REQUIRE(map_record_from_json(record).seed == 7);
  const auto [field, value] = GENERATE(table<std::string, std::string>({
      {"seed", "65955292918760552980"}, {"map", "-1"}, {"images", "2.5"}, {"rank", "1e10"}, {"rank", "4294967296"}}));
  record[field] = nlohmann::json::parse(value);
  CHECK_THROWS_WITH(map_record_from_json(record), Catch::Contains("map record: " + field));
}
