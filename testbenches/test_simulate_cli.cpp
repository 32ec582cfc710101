// `proact simulate` as a user runs it: both engines, JSON report, traces, and one-line errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testbenches/cli_runner.hpp"

using Catch::Matchers::Contains;
using proact::testing::run_cli;

TEST_CASE("proact simulate reports the same accuracy, cycles and counters on both engines", "[cli][simulate]") {
  const auto systemc = run_cli("simulate --model lenet5 --engine systemc --limit 100 --batch 25 --json");
  const auto functional = run_cli("simulate --model lenet5 --engine functional --limit 100 --batch 25 --json");
  REQUIRE(systemc.exit_code == 0);
  REQUIRE(functional.exit_code == 0);
  const auto a = nlohmann::json::parse(systemc.output), b = nlohmann::json::parse(functional.output);
  CHECK(a.at("images") == 100);
  CHECK(a.at("accuracy").get<double>() > 0.8);
  CHECK(a.at("accuracy") == b.at("accuracy"));
  CHECK(a.at("counters") == b.at("counters"));
  REQUIRE(a.at("layers").size() == 5);  // the pools fused into the convs
  for (std::size_t i = 0; i < a.at("layers").size(); ++i) {
    CHECK(a["layers"][i].at("cycles") == b["layers"][i].at("cycles"));
    CHECK(a["layers"][i].at("layer") == b["layers"][i].at("layer"));
  }
  const auto& conv1 = a["layers"][0];
  CHECK(conv1.at("op") == "conv");
  CHECK(conv1.at("m") == 28 * 28 * 25);
  CHECK(conv1.at("k") == 25);
  CHECK(conv1.at("utilisation").get<double>() > 0.0);
  CHECK(a.at("config").at("array_rows") == 32);
  // The roofline columns and the PE-cycle split, per layer and for the network.
  for (const auto& layer : a.at("layers")) {
    CHECK(layer.at("cycles").get<long>() >= layer.at("roofline_cycles").get<long>());
    CHECK(layer.at("stall_cycles").get<long>() == layer.at("weight_stall_cycles").get<long>() +
                                                    layer.at("input_stall_cycles").get<long>() +
                                                    layer.at("output_stall_cycles").get<long>());
    CHECK(layer.at("dram_bytes").get<long>() ==
          4 * (layer.at("dram_reads").get<long>() + layer.at("dram_writes").get<long>()));
  }
  CHECK(conv1.at("intensity_macs_per_byte").get<double>() ==
        Approx(conv1.at("macs").get<double>() / conv1.at("dram_bytes").get<double>()));
  long pe_cycles = 0;
  for (const auto& [part, value] : a.at("pe_cycles").items()) pe_cycles += value.get<long>();
  CHECK(pe_cycles == 32L * 32 * a.at("counters").at("CYCLES").get<long>());
  CHECK(a.at("pe_cycles").at("macs") == a.at("counters").at("MACS"));
}

TEST_CASE("proact simulate --roofline draws the layers on the roofline", "[cli][simulate]") {
  const auto dir = std::filesystem::temp_directory_path() / "proact_test_roofline";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto run = run_cli("simulate --model lenet5 --engine functional --limit 8 --batch 8 --roofline " +
                           (dir / "lenet5.png").string());
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.output, Contains("roofline: "));
  CHECK(std::filesystem::file_size(dir / "lenet5.png") > 1000);
  std::ifstream data(dir / "lenet5.dat");
  const std::string text((std::istreambuf_iterator<char>(data)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Contains("\"conv1+pool1\"") && Contains("\"fc3\""));
  CHECK(std::filesystem::exists(dir / "lenet5.gp"));
  const auto wrong = run_cli("simulate --model lenet5 --limit 8 --roofline " + (dir / "lenet5.svg").string(), true);
  CHECK(wrong.exit_code != 0);
  CHECK_THAT(wrong.output, Contains("--roofline takes a .png path"));
}

TEST_CASE("proact simulate --trace writes a VCD and a Chrome timeline", "[cli][simulate]") {
  const auto dir = std::filesystem::temp_directory_path() / "proact_test_simulate_trace";
  std::filesystem::remove_all(dir);
  const auto run = run_cli("simulate --model lenet5 --limit 8 --batch 8 --trace " + dir.string());
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.output, Contains("timeline.json"));
  std::ifstream vcd(dir / "accelerator.vcd");
  const std::string text((std::istreambuf_iterator<char>(vcd)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Contains("$var") && Contains("busy") && Contains("fold") && Contains("stall"));
  std::ifstream timeline(dir / "timeline.json");
  const auto events = nlohmann::json::parse(timeline).at("traceEvents");
  int layers = 0, folds = 0;
  for (const auto& e : events) {
    if (e.at("ph") != "X") continue;
    const std::string name = e.at("name");
    layers += name.rfind("descriptor", 0) == 0;
    folds += name.rfind("fold", 0) == 0;
  }
  CHECK(layers == 5);  // the pools fused into the convs
  CHECK(folds > 7);
}

TEST_CASE("proact simulate refuses bad input with one line", "[cli][simulate][errors]") {
  SECTION("an impossible config names the field") {
    const auto path = std::filesystem::temp_directory_path() / "proact_test_bad_config.json";
    std::ofstream(path) << R"({"array_rows": 32, "weight_sram_bytes": 512})";
    const auto run = run_cli("simulate --model lenet5 --config " + path.string(), true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("weight_sram_bytes"));
  }
  SECTION("a layer that does not fit names the layer") {
    const auto path = std::filesystem::temp_directory_path() / "proact_test_os_config.json";
    std::ofstream(path) << R"({"preset": "validation-4x4", "dataflow": "os"})";
    const auto run = run_cli("simulate --model lenet5 --engine functional --config " + path.string(), true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("conv2") && Contains("weight SRAM"));
  }
  SECTION("tracing needs the SystemC engine") {
    const auto run = run_cli("simulate --model lenet5 --engine functional --trace /tmp/x", true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("--trace"));
  }
}
