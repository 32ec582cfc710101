// Committed artifacts reproduce: each of lenet5's threshold files in models/zoo is remade by the
// command scripts/make-thresholds.sh documents, and must equal the committed file in every value
// (thresholds, accuracies, trials, hyperparameters), timing fields aside. A change to the numerics
// that moves a threshold by one ulp fails here, so the zoo is remade with the change.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "testbenches/cli_runner.hpp"

using proact::testing::Run;
using proact::testing::run_cli;

namespace {

nlohmann::json without_timing(nlohmann::json file) {
  file.erase("training_seconds");
  for (auto& trial : file.at("trials")) trial.erase("seconds");
  return file;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

void check_remade(const std::string& method) {
  const std::string committed = "models/zoo/lenet5." + method + ".thresholds.json";
  const std::string remade =
      (std::filesystem::temp_directory_path() / ("proact_test_remade_lenet5." + method + ".json")).string();
  const Run run = run_cli("thresholds --model lenet5 --method " + method + " --seed 1 --threads 1 --out " + remade);
  REQUIRE(run.exit_code == 0);
  const nlohmann::json expected = without_timing(read_json(committed));
  const nlohmann::json got = without_timing(read_json(remade));
  // One key at a time, so a failure names the part that moved.
  for (const auto& [key, value] : expected.items()) {
    INFO(committed << ": key " << key);
    CHECK(got.value(key, nlohmann::json()) == value);
  }
  CHECK(got.size() == expected.size());
  std::filesystem::remove(remade);
}

}  // namespace

TEST_CASE("lenet5.ranger.thresholds.json is remade by its documented command", "[artifacts][thresholds]") {
  check_remade("ranger");
}

TEST_CASE("lenet5.ranger-nw.thresholds.json is remade by its documented command", "[artifacts][thresholds]") {
  check_remade("ranger-nw");
}

TEST_CASE("lenet5.ftclipact.thresholds.json is remade by its documented command", "[artifacts][thresholds]") {
  check_remade("ftclipact");
}

TEST_CASE("lenet5.fitact.thresholds.json is remade by its documented command", "[artifacts][thresholds]") {
  check_remade("fitact");
}

TEST_CASE("lenet5.proact.thresholds.json is remade by its documented command", "[artifacts][thresholds]") {
  check_remade("proact");
}
