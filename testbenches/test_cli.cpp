// The `proact` command as a user runs it: subcommands, --json output, and one-line errors with a
// non-zero exit. The binary's path comes from PROACT_CLI (set by ctest).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "models/net/checkpoint.hpp"
#include "testbenches/cli_runner.hpp"

using Catch::Matchers::Contains;
using proact::testing::Run;
using proact::testing::run_cli;

TEST_CASE("proact --help lists the subcommands", "[cli]") {
  const Run run = run_cli("--help");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, Contains("train") && Contains("eval") && Contains("zoo"));
  CHECK(run_cli("eval --help").exit_code == 0);
}

TEST_CASE("train then eval a small model through the CLI", "[cli][train]") {
  const auto checkpoint = std::filesystem::temp_directory_path() / "proact_test_cli_lenet5.ckpt";
  const Run train = run_cli("train --model lenet5 --epochs 1 --limit 3000 --validation 500 --test-limit 500 --seed 3 --json --out " +
                            checkpoint.string());
  REQUIRE(train.exit_code == 0);
  const auto trained = nlohmann::json::parse(train.output);
  CHECK(trained.at("test_accuracy").get<double>() > 0.5);
  const nlohmann::json metadata = proact::load_checkpoint(checkpoint.string()).metadata;
  CHECK(metadata.at("dataset") == "fashion-mnist");
  CHECK_THAT(metadata.at("data").at("spec").get<std::string>(), Catch::Matchers::StartsWith("fashion-mnist:"));
  CHECK(metadata.at("data").at("normalization").at("name") == "none");

  const std::string format = GENERATE(std::string("fp32"), std::string("int8"), std::string("q15.16"));
  const Run eval = run_cli("eval --model " + checkpoint.string() + " --format " + format + " --limit 500 --json");
  REQUIRE(eval.exit_code == 0);
  const auto result = nlohmann::json::parse(eval.output);
  CHECK(result.at("images") == 500);
  CHECK(result.at("format") == format);
  CHECK(result.at("accuracy").get<double>() > 0.5);
  if (format == "fp32") {
    // The checkpoint's own free-order fp32 test accuracy, on the same 500 images.
    const Run free = run_cli("eval --model " + checkpoint.string() + " --dataflow free --limit 500 --json");
    CHECK(nlohmann::json::parse(free.output).at("accuracy") == trained.at("test_accuracy"));
  }
}

TEST_CASE("the zoo models reach their accuracy in every storage format", "[cli][zoo]") {
  const Run run = run_cli("zoo --limit 1000 --json");
  REQUIRE(run.exit_code == 0);
  const auto table = nlohmann::json::parse(run.output);
  const std::map<std::string, double> floor = {{"lenet5", 0.87}, {"vgg-small", 0.90}, {"resnet-small", 0.90}};
  REQUIRE(table.at("models").size() == floor.size());
  for (const auto& row : table.at("models")) {
    INFO(row.dump());
    for (const auto& [format, accuracy] : row.at("accuracy").items()) CHECK(accuracy.get<double>() > floor.at(row.at("model")));
  }
}

TEST_CASE("bad input gets one line naming the problem and a non-zero exit", "[cli][errors]") {
  SECTION("unknown format") {
    const Run run = run_cli("eval --model lenet5 --format fp8", true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("fp8"));
  }
  SECTION("missing checkpoint") {
    const Run run = run_cli("eval --model /nonexistent/model.ckpt", true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("/nonexistent/model.ckpt"));
  }
  SECTION("missing data set") {
    const Run run = run_cli("eval --model lenet5 --data-dir /nonexistent", true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("/nonexistent") && Contains("dataset-fashion-mnist"));
  }
  SECTION("an argument the command does not take: one line, naming it") {
    const Run run = run_cli("eval --model lenet5 --no-such-option", true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("--no-such-option"));
    CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  }
  SECTION("an output path that cannot be written is refused before any work, naming it") {
    const auto file = std::filesystem::temp_directory_path() / "proact_test_cli_plain_file";
    { std::ofstream(file) << "x"; }
    const std::string out = (file / "model.ckpt").string();
    const Run train = run_cli("train --model lenet5 --epochs 1 --out " + out, true);
    CHECK(train.exit_code != 0);
    CHECK_THAT(train.output, Contains(out) && Contains("cannot create the folder"));
    CHECK_THAT(train.output, !Contains("training lenet5"));
    const Run thresholds = run_cli("thresholds --model lenet5 --method ranger --out " + out, true);
    CHECK(thresholds.exit_code != 0);
    CHECK_THAT(thresholds.output, Contains(out) && !Contains("clipped layers"));
    std::filesystem::remove(file);
  }
  SECTION("impossible training option") {
    const Run run = run_cli("train --model lenet5 --validation 70000 --out /tmp/x.ckpt", true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains("--validation"));
  }
}
