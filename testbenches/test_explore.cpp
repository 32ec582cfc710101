// The co-design explorer: design points and their CSV, the Pareto front, and `proact explore` as
// a user runs it: one row per point, work shared between points, costs equal to what simulate
// reports, resume after an interruption, and one-line errors. Small --limit and --maps.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "error_helpers.hpp"
#include "models/io/directory_lock.hpp"
#include "sw/explore/design_points.hpp"
#include "sw/explore/pareto.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/file_helpers.hpp"

using namespace proact;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using testing::error_of;
using testing::fresh_dir;
using testing::read_csv;
using testing::read_text;
using testing::run_cli;
using testing::run_mpi;

namespace {

namespace fs = std::filesystem;

// points.csv as one map per row, by column name.
std::vector<std::map<std::string, std::string>> read_points(const fs::path& path) {
  const auto rows = read_csv(path);
  REQUIRE(rows.size() > 1);
  std::vector<std::map<std::string, std::string>> points;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == rows[0].size());
    std::map<std::string, std::string> point;
    for (std::size_t c = 0; c < rows[0].size(); ++c) point[rows[0][c]] = rows[r][c];
    points.push_back(point);
  }
  return points;
}

double value(const std::map<std::string, std::string>& point, const std::string& column) {
  return std::stod(point.at(column));
}

const std::string kSweep = "explore --model lenet5 --limit 128 --maps 3 --arrays 8x8,16x16 --dataflows ws,os "
                           "--voltages 0.9,0.65,0.6 --protections none,models/zoo/lenet5.ranger.thresholds.json ";

}  // namespace

TEST_CASE("design points: the cross product in order, and the errors that name the bad item", "[explore]") {
  DesignAxes axes;
  axes.arrays = {"8x8", "16x32"};
  axes.dataflows = {"ws", "os"};
  axes.ecc = {"none", "secded-39-32"};
  axes.voltages = {0.9, 0.7};
  axes.protections = {"none", "p.json"};
  const std::vector<DesignPoint> points = cross_product(axes);
  REQUIRE(points.size() == 2 * 2 * 2 * 2 * 2);
  CHECK(points[0].hardware() == "8x8 ws fp32 ecc none");
  CHECK(points[1].volts == 0.7);  // voltages innermost
  CHECK(points[2].protection == "p.json");
  CHECK(points.back().hardware() == "16x32 os fp32 ecc secded-39-32");

  axes.arrays = {"16by16"};
  CHECK_THAT(error_of([&] { cross_product(axes); }), Contains("--arrays: '16by16' is not an array size RxC"));
  axes.arrays = {"8x8", "8x8"};
  CHECK_THAT(error_of([&] { cross_product(axes); }), Contains("--arrays: '8x8' is given twice"));

  testing::TempDir dir;
  const std::string csv = dir.file("points.csv");
  std::ofstream(csv) << "array,dataflow,format,ecc,volts,protection\n16x16,ws,int8,none,0.7,none\n8x8,os,fp32,parity,abc,none\n";
  CHECK_THAT(error_of([&] { load_points(csv); }), Contains("line 3: volts: 'abc' is not a voltage"));
  std::ofstream(csv) << "array,dataflow,format,ecc,volts,protection\n16x16,ws,int8,none,0.7,none\n";
  const std::vector<DesignPoint> loaded = load_points(csv);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].hardware() == "16x16 ws int8 ecc none");
  CHECK(loaded[0].volts == 0.7);
}

TEST_CASE("the Pareto front keeps the points no other beats in both energy and accuracy", "[explore]") {
  const double nan = std::nan("");
  const std::vector<bool> front = pareto_front({{1, 0.5}, {2, 0.9}, {2, 0.8}, {3, 0.9}, {0.5, nan}, {1, 0.5}});
  CHECK(front == std::vector<bool>{true, true, false, false, false, true});  // ties both stay
}

TEST_CASE("explore CLI: every design point with its cost and its shared accuracy", "[explore][cli]") {
  const fs::path out = fresh_dir("explore_sweep");
  const auto run = run_cli(kSweep + "--ecc none,secded-39-32 --out " + out.string() + " --json");
  REQUIRE(run.exit_code == 0);
  const auto report = nlohmann::json::parse(run.output);
  CHECK(report.at("finished") == true);
  CHECK(report.at("design_points") == 2 * 2 * 3 * 2 * 2);
  // Two accuracy groups (one per ECC), each 3 voltages x 2 protections x 3 maps: the arrays and
  // dataflows share them.
  CHECK(report.at("maps_run") == 2 * 3 * 2 * 3);
  for (const char* file : {"points.csv", "summary.md", "pareto.png", "explore.json"}) CHECK(fs::exists(out / file));

  const auto points = read_points(out / "points.csv");
  REQUIRE(points.size() == 48);
  std::map<std::string, double> accuracy, cycles;
  bool front = false;
  for (const auto& p : points) {
    INFO(p.at("array") << " " << p.at("dataflow") << " " << p.at("ecc") << " " << p.at("method") << " " << p.at("volts"));
    CHECK(p.at("maps") == "3");
    front = front || p.at("on_front") == "1";
    // The accuracy depends on the ECC, the protection and the voltage only.
    const std::string accuracy_key = p.at("ecc") + p.at("method") + p.at("volts");
    if (accuracy.count(accuracy_key)) CHECK(value(p, "accuracy") == accuracy.at(accuracy_key));
    accuracy[accuracy_key] = value(p, "accuracy");
    // The cycles do not depend on the voltage, the ECC or the protection's thresholds.
    const std::string cycles_key = p.at("array") + p.at("dataflow");
    if (cycles.count(cycles_key)) CHECK(value(p, "cycles_per_image") == cycles.at(cycles_key));
    cycles[cycles_key] = value(p, "cycles_per_image");
    // Lowering the voltage only saves energy; the nominal design is the same at every voltage.
    CHECK(value(p, "energy_pj") < value(p, "nominal_energy_pj"));
    CHECK_THAT(value(p, "energy_saving"), WithinRel(1 - value(p, "energy_pj") / value(p, "nominal_energy_pj"), 1e-6));
  }
  CHECK(front);
  // Faults at 0.6 V cost the unprotected network accuracy on some map, none at 0.9 V.
  CHECK(accuracy.at("nonenone0.6") < accuracy.at("nonenone0.9"));
  CHECK_THAT(read_text(out / "summary.md"), Contains("| 8x8 ws fp32 ecc none, ranger |"));

  SECTION("a point's energy and cycles are what simulate reports for its design") {
    testing::TempDir dir;
    std::ofstream(dir.file("os.json")) << R"({"array_rows": 16, "array_cols": 16, "dataflow": "os"})";
    const auto simulated = run_cli("simulate --model lenet5 --engine functional --limit 64 --batch 64 --json "
                                   "--weight-sram-volts 0.65 --thresholds models/zoo/lenet5.ranger.thresholds.json "
                                   "--config " + dir.file("os.json"));
    REQUIRE(simulated.exit_code == 0);
    const auto s = nlohmann::json::parse(simulated.output);
    long cycles_total = 0;
    for (const auto& layer : s.at("layers")) cycles_total += layer.at("cycles").get<long>();
    int matched = 0;
    for (const auto& p : points) {
      if (p.at("array") != "16x16" || p.at("dataflow") != "os" || p.at("ecc") != "none" || p.at("method") != "ranger" ||
          p.at("volts") != "0.65")
        continue;
      CHECK_THAT(value(p, "energy_pj"), WithinRel(s.at("energy").at("per_image_pj").at("total").get<double>(), 1e-8));
      CHECK_THAT(value(p, "cycles_per_image"), WithinRel(cycles_total / 64.0, 1e-12));
      CHECK_THAT(value(p, "area_mm2"), WithinRel(s.at("area_mm2").at("total").get<double>(), 1e-8));
      ++matched;
    }
    CHECK(matched == 1);
  }
}

TEST_CASE("explore CLI: an interrupted exploration resumed gives the points of a straight run", "[explore][cli]") {
  const fs::path straight = fresh_dir("explore_straight"), resumed = fresh_dir("explore_resumed");
  const std::string args = kSweep + "--ecc none,parity --out ";
  REQUIRE(run_cli(args + straight.string()).exit_code == 0);
  const auto first = run_cli(args + resumed.string() + " --stop-after 20 --json");
  REQUIRE(first.exit_code == 0);
  CHECK(nlohmann::json::parse(first.output).at("finished") == false);
  const auto refused = run_cli(args + resumed.string(), true);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Contains("--resume"));
  const auto second = run_cli(args + resumed.string() + " --resume --json");
  REQUIRE(second.exit_code == 0);
  CHECK(nlohmann::json::parse(second.output).at("maps_run") == 2 * 3 * 2 * 3 - 20);
  CHECK(read_text(straight / "points.csv") == read_text(resumed / "points.csv"));

  SECTION("resuming with other options is refused, naming the option") {
    const auto other = run_cli(args + resumed.string() + " --resume --seed 9", true);
    CHECK(other.exit_code == 1);
    CHECK_THAT(other.output, Contains("it was run with seed = 1") && Contains("another --out"));
  }
}

TEST_CASE("explore CLI: two MPI ranks give the points of one process", "[explore][cli][mpi]") {
  const fs::path one = fresh_dir("explore_one-rank"), two = fresh_dir("explore_two-ranks");
  const std::string args = kSweep + "--ecc none --out ";
  REQUIRE(run_cli(args + one.string()).exit_code == 0);
  REQUIRE(run_mpi(2, args + two.string()) == 0);
  CHECK(read_text(one / "points.csv") == read_text(two / "points.csv"));
}

TEST_CASE("explore CLI: bad input gets one line naming the problem", "[explore][cli]") {
  const fs::path out = fresh_dir("explore_errors");
  const auto no_voltages = run_cli("explore --model lenet5 --out " + out.string(), true);
  CHECK(no_voltages.exit_code != 0);
  CHECK_THAT(no_voltages.output, Contains("--voltages"));
  const auto outside = run_cli("explore --model lenet5 --voltages 0.3 --out " + out.string(), true);
  CHECK(outside.exit_code == 1);
  CHECK_THAT(outside.output, Contains("0.3"));
  const auto missing = run_cli("explore --model lenet5 --voltages 0.7 --protections nothere.json --out " + out.string(), true);
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("nothere.json: cannot open threshold file"));
  CHECK_FALSE(fs::exists(out / "explore.json"));  // nothing written: the corrected command needs no --resume
  {
    const DirectoryLock held(out.string());  // as a running exploration holds it
    const auto busy = run_cli("explore --model lenet5 --voltages 0.7 --maps 2 --limit 64 --out " + out.string(), true);
    CHECK(busy.exit_code == 1);
    CHECK_THAT(busy.output, Contains("is in use by another run"));
  }
  const auto systemc = run_cli("explore --model lenet5 --engine systemc --arrays 8x8,16x16 --voltages 0.7 --out " +
                                   out.string() + "-systemc",
                               true);
  CHECK(systemc.exit_code == 1);
  CHECK_THAT(systemc.output, Contains("--engine systemc explores one hardware per run"));
}
