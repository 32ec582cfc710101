// Committed artifacts reproduce: each of lenet5's threshold files in models/zoo is remade by the
// command scripts/make-thresholds.sh documents, and must equal the committed file in every value
// (thresholds, accuracies, trials, hyperparameters), timing fields aside: every string, integer
// and flag exactly, every real number to 1e-5 relative or 1e-9 absolute. Training's matrix
// products (Eigen) sum in an order set by the CPU's vector width, so a file made on an AVX-512
// machine differs from an AVX2 machine's in its last digits (lenet5's FitAct thresholds by up to
// 5.4e-6 relative, 7e-12 absolute); a numerics change that moves a value further fails here, so
// the zoo is remade with the change.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
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

// Equal as described above; `where` names the first difference.
bool nearly_equal(const nlohmann::json& a, const nlohmann::json& b, std::string& where) {
  if (a.is_number_float() || b.is_number_float()) {
    if (!a.is_number() || !b.is_number()) return false;
    const double x = a.get<double>(), y = b.get<double>();
    if (std::abs(x - y) <= std::max(1e-5 * std::max(std::abs(x), std::abs(y)), 1e-9)) return true;
    where = a.dump() + " != " + b.dump();
    return false;
  }
  if (a.type() != b.type() || a.size() != b.size()) {
    where = a.dump() + " != " + b.dump();
    return false;
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!nearly_equal(a[i], b[i], where)) return false;
    return true;
  }
  if (a.is_object()) {
    for (const auto& [key, value] : a.items())
      if (!b.contains(key) || !nearly_equal(value, b.at(key), where)) return false;
    return true;
  }
  if (a == b) return true;
  where = a.dump() + " != " + b.dump();
  return false;
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
    std::string where;
    const bool equal = nearly_equal(value, got.value(key, nlohmann::json()), where);
    INFO(committed << ": key " << key << ": " << where);
    CHECK(equal);
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
