// SCALE-Sim's input files (config INI, topology CSV in conv and GEMM form), the `proact cycles`
// computation against SCALE-Sim's committed reference outputs, COMPUTE_REPORT.csv, and the CLI.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sw/scalesim/compute_report.hpp"
#include "sw/scalesim/config.hpp"
#include "sw/scalesim/cycles.hpp"
#include "sw/scalesim/topology.hpp"
#include "testbenches/cli_runner.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace proact;
using proact::testing::run_cli;

namespace {

const std::string kFixtures = "examples/scalesim/";

ScaleSimConfig config_from(const std::string& text) {
  std::istringstream in(text);
  return parse_scalesim_config(in, "test.cfg");
}

std::vector<TopologyLayer> topology_from(const std::string& text) {
  std::istringstream in(text);
  return parse_topology(in, "topo.csv");
}

const std::string kArchitecture =
    "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 4\nIfmapSramSzkB: 16\nFilterSramSzkB: 8\n"
    "OfmapSramSzkB: 4\nDataflow : ws\n";

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field.substr(field.find_first_not_of(' ')));
  return fields;
}

}  // namespace

TEST_CASE("SCALE-Sim configs parse into the array, SRAMs, dataflow and bandwidth mode", "[scalesim]") {
  SECTION("SCALE-Sim's configs/scale.cfg") {
    const ScaleSimConfig c = read_scalesim_config(kFixtures + "scale.cfg");
    CHECK(c.run_name == "scale_example_run_32x32_os");
    CHECK(c.array_rows == 32);
    CHECK(c.array_cols == 32);
    CHECK(c.ifmap_sram_kb == 64);
    CHECK(c.dataflow == Dataflow::os);
    CHECK_FALSE(c.user_bandwidth);
    CHECK(c.memory().bandwidth_words_per_cycle == 32);  // CALC drains the ofmap at ArrayWidth
    CHECK_FALSE(c.reads_stall());
  }
  SECTION("USER bandwidth") {
    const ScaleSimConfig c = read_scalesim_config(kFixtures + "scale_user_is.cfg");
    CHECK(c.user_bandwidth);
    CHECK(c.bandwidth == 10);
    CHECK(c.dataflow == Dataflow::is);
    CHECK(c.memory().ifmap_sram_words == 65536);
    CHECK(c.memory().bandwidth_words_per_cycle == 10);
  }
  SECTION("keys in any case, '=' separators, comments, a bandwidth list") {
    const ScaleSimConfig c = config_from(
        "# comment\n[architecture_presets]\narrayheight = 8\nARRAYWIDTH: 4\nIfmapSramSzkB: 16\nFilterSramSzkB: 8\n"
        "OfmapSramSzkB: 4\nDataflow : OS \nBandwidth : 20, 20, 20\nIfmapOffset: 0\n[run_presets]\n"
        "InterfaceBandwidth: user\n");
    CHECK(c.array_rows == 8);
    CHECK(c.array_cols == 4);
    CHECK(c.dataflow == Dataflow::os);
    CHECK(c.bandwidth == 20);
    CHECK(c.describe() == "8x4 os, SRAM 16/8/4 kB, USER 20 words/cycle");
  }
}

TEST_CASE("malformed configs name the file, line and field", "[scalesim]") {
  SECTION("a value that is not a number") {
    CHECK_THROWS_WITH(config_from("[architecture_presets]\n\nArrayHeight: big\n"),
                      StartsWith("test.cfg:3: ArrayHeight:") && Contains("'big'"));
  }
  SECTION("a missing key") {
    CHECK_THROWS_WITH(config_from("[general]\n[architecture_presets]\nArrayHeight: 8\n"),
                      StartsWith("test.cfg:2: ArrayWidth: missing in [architecture_presets]"));
  }
  SECTION("an unknown dataflow and a duplicate key") {
    CHECK_THROWS_WITH(config_from(kArchitecture + "Dataflow: xs\n"), Contains("duplicate key"));
    std::string text = kArchitecture;
    text.replace(text.find("ws"), 2, "xs");
    CHECK_THROWS_WITH(config_from(text), StartsWith("test.cfg:7: Dataflow:") && Contains("'xs'"));
  }
  SECTION("USER mode without Bandwidth, and an unknown mode") {
    CHECK_THROWS_WITH(config_from(kArchitecture + "[run_presets]\nInterfaceBandwidth: USER\n"),
                      StartsWith("test.cfg:1: Bandwidth: missing"));
    CHECK_THROWS_WITH(config_from(kArchitecture + "[run_presets]\nInterfaceBandwidth: FAST\n"),
                      StartsWith("test.cfg:9: InterfaceBandwidth:") && Contains("USER or CALC"));
  }
  SECTION("a line that is not key: value, and a zero") {
    CHECK_THROWS_WITH(config_from("[architecture_presets]\nArrayHeight 8\n"), StartsWith("test.cfg:2: ArrayHeight 8:"));
    std::string text = kArchitecture;
    text.replace(text.find("Width: 4"), 8, "Width: 0");
    CHECK_THROWS_WITH(config_from(text), StartsWith("test.cfg:3: ArrayWidth:"));
  }
  SECTION("a missing file") { CHECK_THROWS_WITH(read_scalesim_config("/nonexistent.cfg"), Contains("/nonexistent.cfg")); }
}

TEST_CASE("SCALE-Sim topologies become GEMM shapes", "[scalesim]") {
  SECTION("AlexNet's conv layers with SCALE-Sim's ofmap rule") {
    const std::vector<TopologyLayer> layers = read_topology(kFixtures + "alexnet.csv");
    REQUIRE(layers.size() == 5);
    CHECK(layers[0].name == "Conv1");
    CHECK(layers[0].line == 2);
    const long expected[5][3] = {{55 * 55, 96, 363}, {23 * 23, 256, 2400}, {121, 384, 2304}, {121, 384, 3456},
                                 {121, 256, 3456}};
    for (int i = 0; i < 5; ++i) {
      INFO(layers[i].name);
      CHECK(layers[i].shape.m == expected[i][0]);
      CHECK(layers[i].shape.n == expected[i][1]);
      CHECK(layers[i].shape.k == expected[i][2]);
    }
  }
  SECTION("the ofmap rule keeps a window that runs past the edge") {
    CHECK(ofmap_extent(224, 11, 4) == 55);  // (224 - 11) / 4 = 53.25
    CHECK(ofmap_extent(27, 5, 1) == 23);
    CHECK(ofmap_extent(8, 2, 2) == 4);
    CHECK(ofmap_extent(3, 3, 2) == 1);
  }
  SECTION("GEMM form, and a column stride") {
    const std::vector<TopologyLayer> gemm = read_topology(kFixtures + "test_mnk_input.csv");
    REQUIRE(gemm.size() == 1);
    CHECK(gemm[0].name == "Test 1");
    CHECK(gemm[0].shape.m == 256);
    CHECK(gemm[0].shape.n == 128);
    CHECK(gemm[0].shape.k == 256);
    const auto strided = topology_from(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
        "c, 10, 10, 3, 3, 2, 4, 1, 2,\n\n");
    CHECK(strided[0].shape.m == 8 * 5);  // rows ceil(7 / 1) + 1, columns ceil(7 / 2) + 1
    CHECK(strided[0].shape.k == 18);
  }
}

TEST_CASE("malformed topologies name the file, line and field", "[scalesim]") {
  const std::string header =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  CHECK_THROWS_WITH(topology_from(header + "c1, 8, 8, 3, 3, 1, 1, 1,\nc2, 8, x, 3, 3, 1, 1, 1,\n"),
                    StartsWith("topo.csv:3: IFMAP Width:") && Contains("'x'"));
  CHECK_THROWS_WITH(topology_from(header + "c1, 8, 8, 3,\n"), StartsWith("topo.csv:2: c1:") && Contains("expected 8 fields"));
  CHECK_THROWS_WITH(topology_from(header + "c1, 8, 8, 9, 3, 1, 1, 1,\n"), StartsWith("topo.csv:2: Filter Height:"));
  CHECK_THROWS_WITH(topology_from(header + "c1, 8, 8, 3, 3, 1, 0, 1,\n"), StartsWith("topo.csv:2: Num Filter:"));
  CHECK_THROWS_WITH(topology_from("Layer, M, N, K,\nfc, 1, 2,\n"), StartsWith("topo.csv:2: fc:"));
  CHECK_THROWS_WITH(topology_from("name, height,\n"), StartsWith("topo.csv:1: header:"));
  CHECK_THROWS_WITH(topology_from(header), StartsWith("topo.csv:1: layers:"));
  CHECK_THROWS_WITH(read_topology("/nonexistent.csv"), Contains("/nonexistent.csv"));
}

TEST_CASE("proact cycles reproduces SCALE-Sim's reference compute reports", "[scalesim]") {
  const TimingOptions scalesim;
  SECTION("AlexNet Conv1, ws, CALC (test/golden_trace): every column") {
    ScaleSimConfig c = read_scalesim_config(kFixtures + "scale.cfg");
    c.dataflow = Dataflow::ws;
    const auto layers = simulate_layers(c, read_topology(kFixtures + "alexnet_part.csv"), scalesim);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].scalesim_total_cycles() == 112283);
    CHECK(layers[0].stall_cycles == 0);
    CHECK(layers[0].utilization.overall_percent == 91.68309650614964);
    CHECK(layers[0].utilization.mapping_efficiency_percent == 94.53125);
    CHECK(layers[0].utilization.compute_percent == Approx(90.78000992063485).epsilon(1e-14));  // see test_timing.cpp
  }
  SECTION("AlexNet Conv1, os, CALC (sparsity_results/scale_example_run_32x32_ws, run as os)") {
    const auto layers = simulate_layers(read_scalesim_config(kFixtures + "scale.cfg"),
                                        read_topology(kFixtures + "alexnet_part.csv"), scalesim);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].folds == 95 * 3);
    CHECK(layers[0].scalesim_total_cycles() == 121124);
    CHECK(layers[0].stall_cycles == 0);
    CHECK(layers[0].utilization.overall_percent == 84.99102675770285);
    CHECK(layers[0].utilization.mapping_efficiency_percent == 99.50657894736842);
    CHECK(layers[0].utilization.compute_percent == Approx(84.99032507739905).epsilon(1e-14));  // pre-3.12 sum
  }
  SECTION("the GEMM regression layer, USER bandwidth (test/general/golden_trace_user_*)") {
    const auto [name, total, stalls] = GENERATE(std::make_tuple("ws", 52447L, 41248L), std::make_tuple("os", 52447L, 42272L),
                                                std::make_tuple("is", 19984L, 5777L));
    const ScaleSimConfig c = read_scalesim_config(kFixtures + "scale_user_" + name + ".cfg");
    const auto layers = simulate_layers(c, read_topology(kFixtures + "test_mnk_input.csv"), scalesim);
    REQUIRE(layers.size() == 1);
    INFO(name << ": total " << layers[0].scalesim_total_cycles() << " stall " << layers[0].stall_cycles);
    CHECK(layers[0].scalesim_total_cycles() - layers[0].stall_cycles == total - stalls);  // compute: exact
    CHECK(std::abs(layers[0].stall_cycles - stalls) <= stalls / 100);                     // stalls: within 1 %
    CHECK(layers[0].utilization.mapping_efficiency_percent == 100.0);
  }
}

TEST_CASE("COMPUTE_REPORT.csv has SCALE-Sim's columns first, then ours", "[scalesim]") {
  ScaleSimConfig c = read_scalesim_config(kFixtures + "scale.cfg");
  c.dataflow = Dataflow::ws;
  const auto layers = simulate_layers(c, read_topology(kFixtures + "alexnet.csv"), TimingOptions{});
  const auto dir = std::filesystem::temp_directory_path() / "proact_test_compute_report";
  std::filesystem::remove_all(dir);
  const std::string path = write_compute_report((dir / "nested").string(), layers, c, TimingOptions{});
  std::ifstream in(path);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  CHECK_THAT(header, StartsWith("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, "
                                "Compute Util %, Layer Name, M, N, K, MACs, Folds,"));
  CHECK(first.back() == ',');
  CHECK_THAT(first, StartsWith("0, 112283, 0, 91.68309650614964, 94.53125, 90.780009920634"));
  const std::vector<std::string> fields = csv_fields(first);
  REQUIRE(fields.size() == csv_fields(header).size());
  CHECK(fields[6] == "Conv1");
  CHECK(fields[7] + " " + fields[8] + " " + fields[9] == "3025 96 363");
  CHECK(fields[10] == std::to_string(3025L * 96 * 363));  // MACs
  CHECK(fields[11] == "36");                               // folds
  CHECK(fields[13] == "112284");                           // cycles = Total Cycles + 1
  CHECK(fields[16] == "scalesim");
  int rows = 1;
  for (std::string line; std::getline(in, line);) ++rows;
  CHECK(rows == 5);
  CHECK(python_float(100.0) == "100.0");
  CHECK(python_float(0.1) == "0.1");
  std::filesystem::remove_all(dir);
}

TEST_CASE("proact cycles runs end to end", "[scalesim][cli]") {
  const auto out = std::filesystem::temp_directory_path() / "proact_test_cycles";
  std::filesystem::remove_all(out);
  const std::string files = "--config " + kFixtures + "scale_user_ws.cfg --topology " + kFixtures + "alexnet.csv";
  SECTION("JSON and the report") {
    const auto run = run_cli("cycles " + files + " --out " + out.string() + " --json");
    REQUIRE(run.exit_code == 0);
    const auto result = nlohmann::json::parse(run.output);
    REQUIRE(result.at("layers").size() == 5);
    CHECK(result.at("dataflow") == "ws");
    CHECK(result.at("timing") == "scalesim");
    CHECK(result.at("layers")[0].at("scalesim_total_cycles").get<long>() ==
          112283 + result.at("layers")[0].at("stall_cycles").get<long>());
    CHECK(std::filesystem::exists(out / "COMPUTE_REPORT.csv"));
  }
  SECTION("the table, and the options change the cycles") {
    const auto table = run_cli("cycles " + files + " --out " + out.string());
    REQUIRE(table.exit_code == 0);
    CHECK_THAT(table.output, Contains("Conv1") && Contains("Conv5") && Contains("COMPUTE_REPORT.csv"));
    const auto base = nlohmann::json::parse(run_cli("cycles " + files + " --out " + out.string() + " --json").output);
    const auto fast = nlohmann::json::parse(
        run_cli("cycles " + files + " --out " + out.string() +
                " --json --overlap-weight-load --trim-partial-folds --fold-overhead 3 --pipeline-latency 20")
            .output);
    CHECK(fast.at("timing") == "overlap-weight-load,trim-partial-folds,fold-overhead=3,pipeline-latency=20");
    // Conv1 (K = 363 over 32 rows: 11 full row folds and one of 11 rows, times 3 column folds):
    // trimming saves 2 * (32 - 11) in the 3 short folds; 35 preloads are hidden (32 of 32 rows,
    // 3 of 11); 3 cycles per fold and 20 once are added.
    const long hidden = 32 * 32 + 3 * 11;
    CHECK(fast.at("layers")[0].at("compute_cycles").get<long>() ==
          base.at("layers")[0].at("compute_cycles").get<long>() - 3 * 42 - hidden + 3 * 36 + 20);
  }
  SECTION("a malformed file is one line naming file, line and field, and a non-zero exit") {
    const auto bad = std::filesystem::temp_directory_path() / "proact_test_bad_topology.csv";
    std::ofstream(bad) << "Layer, M, N, K,\nfc, 1, -4, 9,\n";
    const auto run =
        run_cli("cycles --config " + kFixtures + "scale.cfg --topology " + bad.string() + " --out " + out.string(), true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains(bad.string() + ":2: N:") && Contains("'-4'"));
    CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
    std::filesystem::remove(bad);
  }
  std::filesystem::remove_all(out);
}
