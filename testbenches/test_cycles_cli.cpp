// `proact cycles --model` as a user runs it: the topology file it writes gives the same cycles, its
// compute cycles are those `proact simulate` reports per image, and bad options are one line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/net/architectures.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/file_helpers.hpp"

using Catch::Matchers::Contains;
using namespace proact;
using proact::testing::run_cli;
using proact::testing::TempDir;

TEST_CASE("proact cycles --model: the topology file gives the same cycles", "[scalesim][topology][cli]") {
  TempDir dir;
  for (const std::string& model : architecture_names()) {
    for (const std::string& config : {std::string("--preset edge-8x8"), std::string("--config examples/scalesim/scale_user_ws.cfg")}) {
      INFO(model + " " + config);
      const auto direct = run_cli("cycles --model " + model + " " + config + " --topology-out " + dir.file("t.csv") +
                                  " --out " + dir.file("report") + " --json");
      REQUIRE(direct.exit_code == 0);
      const auto back = run_cli("cycles --topology " + dir.file("t.csv") + " " + config + " --json");
      REQUIRE(back.exit_code == 0);
      const auto a = nlohmann::json::parse(direct.output), b = nlohmann::json::parse(back.output);
      CHECK(a.at("cycles") == b.at("cycles"));
      CHECK(a.at("layers") == b.at("layers"));
      CHECK(a.at("timing") == b.at("timing"));
      CHECK(a.at("report") == dir.file("report") + "/COMPUTE_REPORT.csv");
      CHECK(b.at("report").is_null());
      CHECK(a.at("input_shape") == nlohmann::json{1, 28, 28});
    }
  }
  const auto table = run_cli("cycles --model lenet5 --preset scalesim-32x32");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.output, Contains("lenet5 with input (1, 28, 28) on 32x32 os, SRAM 64/64/64 kB, CALC (timing: scalesim)"));
  const auto by_preset = nlohmann::json::parse(run_cli("cycles --model lenet5 --preset scalesim-32x32 --json").output);
  const auto by_file = nlohmann::json::parse(run_cli("cycles --model lenet5 --config examples/scalesim/scale.cfg --json").output);
  CHECK(by_preset.at("layers") == by_file.at("layers"));
  CHECK(by_preset.at("memory") == by_file.at("memory"));
}

TEST_CASE("proact cycles --model gives the compute cycles simulate reports per image", "[scalesim][topology][cli]") {
  // simulate's GEMM M is the batch's output pixels; with --batch 1 it is one image's, as in the
  // topology, and its per-layer compute cycles (summed over the runs) are images x cycles'. Stalls
  // differ by design: simulate's DMA model against SCALE-Sim's SRAM model.
  TempDir dir;
  std::ofstream(dir.file("os.json")) << R"({"dataflow": "os"})";
  std::ofstream(dir.file("is.json")) << R"({"dataflow": "is", "array_rows": 16, "array_cols": 8, "timing": )"
                                     << R"({"trim_partial_folds": true, "fold_overhead_cycles": 3, "pipeline_latency_cycles": 7}})";
  for (const std::string& config : std::vector<std::string>{"--preset default", "--preset edge-8x8",
                                                            "--config " + dir.file("os.json"),
                                                            "--config " + dir.file("is.json")}) {
    INFO(config);
    const auto cycles = run_cli("cycles --model lenet5 --json " + config);
    const auto simulate = run_cli("simulate --model lenet5 --engine functional --batch 1 --limit 3 --json " + config);
    REQUIRE(cycles.exit_code == 0);
    REQUIRE(simulate.exit_code == 0);
    const auto per_image = nlohmann::json::parse(cycles.output).at("layers");
    const auto simulated = nlohmann::json::parse(simulate.output);
    std::vector<nlohmann::json> gemm;
    for (const auto& layer : simulated.at("layers"))
      if (layer.contains("m")) gemm.push_back(layer);
    REQUIRE(gemm.size() == per_image.size());
    for (std::size_t i = 0; i < gemm.size(); ++i) {
      INFO(gemm[i].dump());
      const std::string layer = gemm[i].at("layer");  // "conv1+pool1": the conv1 row
      CHECK(per_image[i].at("name") == layer.substr(0, layer.find('+')));
      CHECK(per_image[i].at("m") == gemm[i].at("m"));
      CHECK(per_image[i].at("folds") == gemm[i].at("folds"));
      CHECK(3 * per_image[i].at("compute_cycles").get<long>() == gemm[i].at("compute_cycles").get<long>());
    }
  }
}

TEST_CASE("proact cycles refuses bad options with one line", "[scalesim][topology][cli][errors]") {
  const auto fails = [](const std::string& arguments, const std::string& text) {
    INFO(arguments);
    const auto run = run_cli("cycles " + arguments, true);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Contains(text));
    CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  };
  fails("--preset default", "give --topology FILE or --model M");
  fails("--model lenet5 --topology examples/scalesim/alexnet.csv", "excludes");
  fails("--topology examples/scalesim/alexnet.csv --topology-out /tmp/x.csv", "--model");
  fails("--model lenet5 --input-shape 1,0,28", "--input-shape");
  fails("--model vgg-small --input-shape 1,32,32", "input shape (1, 32, 32): layer 'fc1'");
  fails("--model lenet5 --preset edge-8x8 --config examples/scalesim/scale.cfg", "excludes");
  fails("--model lenet5 --preset nope", "unknown accelerator preset 'nope'");
  fails("--model /nonexistent.onnx", "/nonexistent.onnx");
}
