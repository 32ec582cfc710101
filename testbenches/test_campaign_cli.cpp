// `proact campaign` as a user runs it: outputs, both engines, MPI ranks, resume after an
// interrupted or SIGKILLed run, one run per directory, --until-ci, the sample-size planner and
// one-line errors. Small --limit and --maps keep the file within a minute or two.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "models/io/directory_lock.hpp"
#include "models/io/gzip_file.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/error_helpers.hpp"
#include "testbenches/file_helpers.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using proact::testing::fresh_dir;
using proact::testing::read_csv;
using proact::testing::read_text;
using proact::testing::run_cli;
using proact::testing::run_mpi;

namespace {

namespace fs = std::filesystem;

const std::string kSmall = "--model lenet5 --limit 64 --maps 3 --seed 5 ";

// DIR/maps.jsonl's records without their timing, in any order (a duplicate counts twice).
std::multiset<std::string> map_records(const fs::path& dir) {
  std::multiset<std::string> records;
  std::ifstream maps(dir / "maps.jsonl");
  for (std::string line; std::getline(maps, line);) {
    nlohmann::json record = nlohmann::json::parse(line);
    record.erase("seconds");
    records.insert(record.dump());
  }
  return records;
}

// `proact ARGUMENTS` started, then killed with SIGKILL after `seconds` unless it ended first;
// returns whether it ended by itself.
bool run_killed_after(const std::string& arguments, double seconds) {
  const std::string command = "exec " + proact::testing::cli_path() + " " + arguments + " > /dev/null 2>&1";
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) == 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return false;
}

}  // namespace

TEST_CASE("campaign CLI: outputs for two protections under proact-paper", "[campaign][cli]") {
  const fs::path dir = fresh_dir("campaign_outputs");
  const fs::path thresholds = fs::temp_directory_path() / "proact_test_campaign_ranger.json";
  REQUIRE(run_cli("thresholds --model lenet5 --method ranger --clip-form saturate --calib 100 --validation-limit 100 --out " +
                  thresholds.string()).exit_code == 0);
  const auto run = run_cli("campaign " + kSmall + "--thresholds none --thresholds " + thresholds.string() +
                           " --fault-model proact-paper --rates 1e-6,1e-4 --out " + dir.string() + " --json");
  REQUIRE(run.exit_code == 0);
  const auto report = nlohmann::json::parse(run.output);
  CHECK(report.at("finished") == true);
  CHECK(report.at("maps_run") == 12);
  CHECK(report.at("points").size() == 4);

  const auto rows = read_csv(dir / "results.csv");
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == std::vector<std::string>{"fault_model", "rate", "ber", "method", "maps", "mean_accuracy", "std",
                                            "ci_low", "ci_high", "sdc_rate", "sdc_low", "sdc_high", "mismatch_rate",
                                            "clean_accuracy", "faults_mean", "ecc_corrected", "ecc_detected",
                                            "ecc_silent"});
  CHECK(rows[1][0] == "proact-paper");
  CHECK(rows[1][1] == "1e-06");
  CHECK(rows[1][3] == "none");
  CHECK(rows[2][3] == "ranger");
  CHECK(rows[1][4] == "3");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const double mean = std::stod(rows[i][5]), low = std::stod(rows[i][7]), high = std::stod(rows[i][8]);
    CHECK((mean >= 0.0 && mean <= 1.0));
    CHECK(low <= mean);
    CHECK(high >= mean);
  }
  // floor(numel * 32 * 1e-4) flips per tensor of lenet5, summed: the same every map.
  CHECK(std::stod(rows[3][14]) == 194.0);

  // The fault-free accuracy is the functional engine's on the same images (Q15.16 storage).
  const auto simulate = run_cli("simulate --model lenet5 --engine functional --format q15.16 --limit 64 --json");
  REQUIRE(simulate.exit_code == 0);
  CHECK(std::stod(rows[1][13]) == Approx(nlohmann::json::parse(simulate.output).at("accuracy").get<double>()));

  std::ifstream maps(dir / "maps.jsonl");
  int lines = 0;
  for (std::string line; std::getline(maps, line); ++lines) CHECK(nlohmann::json::parse(line).contains("seed"));
  CHECK(lines == 12);
  const auto campaign = nlohmann::json::parse(read_text(dir / "campaign.json"));
  CHECK(campaign.at("status") == "finished");
  CHECK(campaign.at("identity").at("seed") == 5);
  // Both the campaign and the threshold file say what data they came from.
  CHECK_THAT(campaign.at("identity").at("data").at("spec").get<std::string>(), StartsWith("fashion-mnist:"));
  CHECK(campaign.at("identity").at("data").at("normalization") == nlohmann::json{{"name", "none"}});
  CHECK(nlohmann::json::parse(read_text(thresholds)).at("data").at("spec") == campaign.at("identity").at("data").at("spec"));
  CHECK(campaign.at("protections")[1].at("method") == "ranger");
  CHECK(campaign.at("protections")[1].at("clip_form") == "saturate");
  CHECK(campaign.at("protections")[1].at("threshold_words") == 4);
  CHECK(campaign.at("versions").contains("systemc"));
  CHECK(fs::file_size(dir / "accuracy_vs_rate.png") > 1000);
  CHECK_THAT(read_text(dir / "accuracy_vs_rate.gp"), Contains("set logscale x") && Contains("ranger"));

  // The report: one row per rate, one column per method, means and half-widths from results.csv.
  const auto table = run_cli("campaign report --markdown " + dir.string());
  REQUIRE(table.exit_code == 0);
  char cell[64];
  std::snprintf(cell, sizeof cell, "| 1e-06 | %.2f ± %.2f |", 100 * std::stod(rows[1][5]),
                100 * (std::stod(rows[1][8]) - std::stod(rows[1][7])) / 2);
  CHECK_THAT(table.output, Contains("| rate | none (relu) | ranger (saturate) |") &&
                               Contains("| threshold words | 0 | 4 |") && Contains(cell) && Contains("| 0.0001 |") &&
                               Contains("3 maps per point, seed 5"));
  // Paired: ranger against none on the same maps, one row per rate.
  const auto paired = run_cli("campaign report " + dir.string() + " --paired none,ranger");
  REQUIRE(paired.exit_code == 0);
  CHECK_THAT(paired.output, Contains("ranger against none on the same fault maps") && Contains("proact-paper 1e-06") &&
                                Contains("proact-paper 0.0001"));
  // docs/results keeps campaign.json and maps.jsonl.gz only: the same paired table from them.
  const fs::path kept = fresh_dir("campaign_kept");
  fs::create_directories(kept);
  fs::copy_file(dir / "campaign.json", kept / "campaign.json");
  proact::write_gzip_file_atomically((kept / "maps.jsonl.gz").string(), read_text(dir / "maps.jsonl"));
  CHECK(run_cli("campaign report " + kept.string() + " --paired none,ranger").output == paired.output);
  // --against: one column per other method, each cell mean [interval] and its verdict.
  const auto against = run_cli("campaign report --markdown " + kept.string() + " --against ranger");
  REQUIRE(against.exit_code == 0);
  CHECK_THAT(against.output, Contains("| rate | ranger - none |") && Contains("| 1e-06 |"));
  CHECK((against.output.find("] ahead |") != std::string::npos || against.output.find("] level |") != std::string::npos));
  const auto unknown = run_cli("campaign report " + dir.string() + " --paired none,fitact", true);
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.output, Contains("no maps of method 'fitact'"));
}

TEST_CASE("campaign CLI: two files of one method take names given as NAME=FILE", "[campaign][cli]") {
  const fs::path dir = fresh_dir("campaign_named");
  const std::string file = "models/zoo/lenet5.ranger.thresholds.json";
  const std::string args = "campaign --model lenet5 --limit 32 --maps 2 --fault-model proact-paper --rates 1e-4 ";
  const auto same = run_cli(args + "--thresholds " + file + " --thresholds " + file + " --out " + dir.string(), true);
  CHECK(same.exit_code == 1);
  CHECK_THAT(same.output, Contains("two --thresholds give the method 'ranger'") && Contains("NAME=FILE"));
  const fs::path named = fresh_dir("campaign_named2");
  REQUIRE(run_cli(args + "--thresholds first=" + file + " --thresholds second=" + file + " --out " + named.string())
              .exit_code == 0);
  const auto rows = read_csv(named / "results.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][3] == "first");
  CHECK(rows[2][3] == "second");
  CHECK(rows[1][5] == rows[2][5]);  // the same thresholds on the same maps
  const auto campaign = nlohmann::json::parse(read_text(named / "campaign.json"));
  CHECK(campaign.at("protections")[0].at("source") == file);
}

TEST_CASE("campaign CLI: both engines give the same results for a weight-SRAM model with ECC", "[campaign][cli]") {
  const fs::path functional = fresh_dir("campaign_functional"), systemc = fresh_dir("campaign_systemc");
  const std::string args = "campaign --model lenet5 --limit 32 --maps 2 --batch 16 --fault-model bernoulli "
                           "--rates 3e-5 --ecc secded-39-32 --threshold-faults --out ";
  REQUIRE(run_cli(args + functional.string()).exit_code == 0);
  REQUIRE(run_cli(args + systemc.string() + " --engine systemc").exit_code == 0);
  CHECK(read_text(functional / "results.csv") == read_text(systemc / "results.csv"));
  const auto rows = read_csv(functional / "results.csv");
  REQUIRE(rows.size() == 2);
  CHECK(std::stod(rows[1][15]) > 0.0);  // corrected word reads per run
}

TEST_CASE("campaign CLI: one and two MPI ranks give identical results", "[campaign][cli][mpi]") {
  const fs::path one = fresh_dir("campaign_rank1"), two = fresh_dir("campaign_rank2");
  const std::string args = "campaign " + kSmall + "--fault-model proact-paper --rates 1e-5,1e-4 --out ";
  REQUIRE(run_mpi(1, args + one.string()) == 0);
  REQUIRE(run_mpi(2, args + two.string()) == 0);
  CHECK(read_text(one / "results.csv") == read_text(two / "results.csv"));
  const auto campaign = nlohmann::json::parse(read_text(two / "campaign.json"));
  CHECK(campaign.at("invocations")[0].at("processes") == 2);
  std::set<int> ranks;
  std::ifstream maps(two / "maps.jsonl");
  for (std::string line; std::getline(maps, line);) ranks.insert(nlohmann::json::parse(line).at("rank").get<int>());
  CHECK(ranks == std::set<int>{0, 1});
  SECTION("--until-ci stops every point at the same map whatever the number of ranks") {
    const fs::path a = fresh_dir("campaign_until1"), b = fresh_dir("campaign_until2");
    const std::string until = "campaign --model lenet5 --limit 64 --maps 12 --min-maps 3 --until-ci 0.2 "
                              "--fault-model proact-paper --rates 1e-6 --out ";
    REQUIRE(run_mpi(1, until + a.string()) == 0);
    REQUIRE(run_mpi(2, until + b.string()) == 0);
    CHECK(read_text(a / "results.csv") == read_text(b / "results.csv"));
    CHECK(std::stoi(read_csv(a / "results.csv")[1][4]) < 12);
  }
  // Without mpirun the same binary runs as one process.
  const fs::path plain = fresh_dir("campaign_plain");
  REQUIRE(run_cli(args + plain.string()).exit_code == 0);
  CHECK(read_text(plain / "results.csv") == read_text(one / "results.csv"));
}

TEST_CASE("campaign CLI: maps in parallel on two threads give the results of one thread", "[campaign][cli]") {
  // Each thread runs its own maps on its own copy of every protected network, sharing the clean
  // run; the records must not depend on which thread ran them.
  const std::string model = GENERATE(as<std::string>{},
                                     "--fault-model proact-paper --rates 1e-5,1e-4 --thresholds none --thresholds "
                                     "models/zoo/lenet5.proact.thresholds.json",
                                     "--fault-model bernoulli --rates 3e-5 --ecc secded-39-32 --threshold-faults");
  INFO(model);
  const fs::path one = fresh_dir("campaign_threads1"), two = fresh_dir("campaign_threads2");
  const std::string args = "campaign --model lenet5 --limit 64 --maps 5 --seed 5 " + model + " --out ";
  REQUIRE(run_cli(args + one.string() + " --threads 1").exit_code == 0);
  REQUIRE(run_cli(args + two.string() + " --threads 2").exit_code == 0);
  CHECK(read_text(one / "results.csv") == read_text(two / "results.csv"));
  const std::multiset<std::string> serial = map_records(one);
  CHECK(serial.size() == (model.find("proact-paper") != std::string::npos ? 20u : 5u));
  CHECK(map_records(two) == serial);
}

TEST_CASE("campaign CLI: killed with SIGKILL at 20 seeded moments and resumed, it loses and repeats no map",
          "[campaign][cli]") {
  const fs::path straight = fresh_dir("campaign_unkilled"), killed = fresh_dir("campaign_killed");
  const std::string args = "campaign --model lenet5 --limit 1000 --maps 20 --seed 5 --fault-model proact-paper "
                           "--rates 3e-4,1e-4,3e-5 --thresholds none --thresholds models/zoo/lenet5.ranger.thresholds.json "
                           "--out ";
  const auto start = std::chrono::steady_clock::now();
  const auto run = run_cli(args + straight.string() + " --json");
  REQUIRE(run.exit_code == 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double maps_seconds = nlohmann::json::parse(run.output).at("map_seconds").get<double>();
  // Moments (seeded: a failure is reproducible) in the first tenth of a whole run's maps after
  // loading, so that the 20 kills spread over the campaign: each invocation runs and records a
  // few maps (rewriting results.csv after each wave) before it is killed, then the next resumes.
  const double loading = seconds - maps_seconds;
  std::mt19937 rng(20261208);
  std::uniform_real_distribution<double> moment(loading, loading + maps_seconds / 10);
  const std::size_t all = map_records(straight).size();
  int ended = 0, mid_run = 0;  // kills that left some maps recorded and some to do
  for (int kill = 0; kill < 20; ++kill) {
    const bool resume = fs::exists(killed / "campaign.json");
    ended += run_killed_after(args + killed.string() + (resume ? " --resume" : ""), moment(rng));
    const std::size_t done = map_records(killed).size();
    mid_run += done > 0 && done < all;
  }
  const auto last = run_cli(args + killed.string() + (fs::exists(killed / "campaign.json") ? " --resume" : ""), true);
  INFO(last.output);
  REQUIRE(last.exit_code == 0);
  CHECK(ended < 20);     // most invocations were killed, not finished
  CHECK(mid_run >= 5);   // and many of them while maps were being run and recorded
  CHECK(map_records(killed) == map_records(straight));  // 0 maps lost, 0 duplicated
  CHECK(read_text(killed / "results.csv") == read_text(straight / "results.csv"));
}

TEST_CASE("campaign CLI: a directory another run holds is refused, and taken once released", "[campaign][cli]") {
  const fs::path dir = fresh_dir("campaign_locked");
  const std::string args = "campaign " + kSmall + "--fault-model proact-paper --rates 1e-6 --out " + dir.string();
  {
    const proact::DirectoryLock held(dir.string());  // as a running campaign holds it
    const auto refused = run_cli(args, true);
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.output, Contains("is in use by another run (process " + std::to_string(::getpid()) + ")") &&
                                   Contains("choose another --out"));
    CHECK_FALSE(fs::exists(dir / "maps.jsonl"));
    CHECK_THAT(proact::testing::error_of([&] { proact::DirectoryLock second(dir.string()); }), Contains("in use"));
  }
  CHECK(run_cli(args).exit_code == 0);
}

TEST_CASE("campaign CLI: an interrupted campaign resumed gives the results of a straight run", "[campaign][cli]") {
  const fs::path straight = fresh_dir("campaign_straight"), resumed = fresh_dir("campaign_resumed");
  const std::string args = "campaign " + kSmall + "--fault-model proact-paper --rates 1e-6,1e-5 --out ";
  REQUIRE(run_cli(args + straight.string()).exit_code == 0);

  const auto first = run_cli(args + resumed.string() + " --stop-after 2 --json");
  REQUIRE(first.exit_code == 0);
  CHECK(nlohmann::json::parse(first.output).at("finished") == false);
  // A kill in the middle of a write leaves a partial last line; resume drops it.
  { std::ofstream(resumed / "maps.jsonl", std::ios::app) << "{\"fault_model\": \"proact-pa"; }
  const auto refused = run_cli(args + resumed.string(), true);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Contains("--resume"));
  const auto second = run_cli(args + resumed.string() + " --resume --json");
  REQUIRE(second.exit_code == 0);
  const auto report = nlohmann::json::parse(second.output);
  CHECK(report.at("finished") == true);
  CHECK(report.at("maps_run") == 4);  // 6 map runs in all, 2 done before: nothing recomputed
  CHECK(read_text(straight / "results.csv") == read_text(resumed / "results.csv"));
  const auto campaign = nlohmann::json::parse(read_text(resumed / "campaign.json"));
  CHECK(campaign.at("invocations").size() == 2);

  SECTION("resuming with other options is refused, naming the option") {
    const auto other = run_cli("campaign --model lenet5 --limit 64 --maps 3 --seed 6 --fault-model proact-paper "
                               "--rates 1e-6,1e-5 --resume --out " + resumed.string(), true);
    CHECK(other.exit_code == 1);
    CHECK_THAT(other.output, Contains("seed") && Contains("another --out"));
    const auto normalised = run_cli(args + resumed.string() + " --resume --mean 0.5 --std 0.5", true);
    CHECK(normalised.exit_code == 1);
    CHECK_THAT(normalised.output, Contains("it was run with data = ") && Contains("\"custom\""));
  }
  SECTION("a campaign.json from before --data and weight_sram_ecc were recorded resumes with their defaults") {
    nlohmann::json old = campaign;
    old.at("identity").erase("data");
    old.at("identity").at("accelerator").erase("weight_sram_ecc");
    std::ofstream(resumed / "campaign.json") << old.dump(2);
    const auto more = run_cli("campaign --model lenet5 --limit 64 --maps 4 --seed 5 --fault-model proact-paper "
                              "--rates 1e-6,1e-5 --resume --json --out " + resumed.string());
    REQUIRE(more.exit_code == 0);
    CHECK(nlohmann::json::parse(read_text(resumed / "campaign.json")).at("identity").contains("data"));
  }
  SECTION("more maps extend a finished campaign") {
    const auto more = run_cli("campaign --model lenet5 --limit 64 --maps 4 --seed 5 --fault-model proact-paper "
                              "--rates 1e-6,1e-5 --resume --json --out " + resumed.string());
    REQUIRE(more.exit_code == 0);
    CHECK(nlohmann::json::parse(more.output).at("maps_run") == 2);
  }
}

TEST_CASE("campaign CLI: plan gives the Leveugle sample size", "[campaign][cli]") {
  const auto text = run_cli("campaign plan --margin 0.01 --confidence 0.95");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.output, Contains("9604") && Contains("Leveugle"));
  const auto json = run_cli("campaign plan --margin 0.05 --population 1000 --json");
  REQUIRE(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.output).at("sample_size") == 278);
  const auto model = run_cli("campaign plan --margin 0.01 --model lenet5 --format q15.16 --json");
  REQUIRE(model.exit_code == 0);
  CHECK(nlohmann::json::parse(model.output).at("population") == 61706.0 * 32);
}

TEST_CASE("campaign CLI: refuses bad input with one line", "[campaign][cli][errors]") {
  const fs::path dir = fresh_dir("campaign_errors");
  const auto check = [&](const std::string& arguments, const std::string& expected) {
    const auto run = run_cli("campaign " + arguments, true);
    INFO(arguments);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains(expected));
  };
  check("--fault-model proact-paper --rates 1e-5", "--out");
  check("--fault-model proact-paper --rates 1e-5 --format fp32 --out " + dir.string(), "q15.16");
  check("--fault-model transient --rates 1e-5 --out " + dir.string(), "--engine systemc");
  check("--fault-model bernoulli --rates 2 --out " + dir.string(), "[0, 1]");
  check("--fault-model voltage --rates 0.3 --out " + dir.string(), "outside the voltage table");
  check("--fault-model hamming --rates 1e-5 --out " + dir.string(), "proact-paper, bernoulli");
  check("--fault-model bernoulli --rates 1e-5,x --out " + dir.string(), "'x' is not a number");
  const fs::path os = fs::temp_directory_path() / "proact_test_campaign_os.json";
  { std::ofstream(os) << R"({"preset": "default", "dataflow": "os"})"; }
  check("--fault-model bernoulli --rates 1e-5 --limit 8 --config " + os.string() + " --out " + dir.string(),
        "--engine systemc");
  check("--fault-model proact-paper --rates 1e-5 --thresholds missing.json --out " + dir.string(), "missing.json");
  check("report " + (dir / "never-ran").string(), "never-ran/results.csv: cannot open");
}
