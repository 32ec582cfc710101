// The bring-your-own-network workflow of docs/models.md, as a PyTorch user runs it: a CIFAR-size
// VGG exported by PyTorch (testbenches/fixtures/onnx/cifar_vgg.onnx) on CIFAR-10 files in the
// official binary format (written here: random images, nothing is downloaded), through eval,
// simulate on both engines, ProAct thresholds and fault campaigns.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "testbenches/cli_runner.hpp"
#include "testbenches/file_helpers.hpp"

using proact::testing::Bytes;
using proact::testing::random_bytes;
using proact::testing::run_cli;
using proact::testing::TempDir;
using proact::testing::write_plain;

namespace {

const std::string kModel = "testbenches/fixtures/onnx/cifar_vgg.onnx";

// `count` CIFAR-10 records (label byte, 3072 pixel bytes) of seeded random labels and pixels.
Bytes cifar10_records(std::size_t count, std::uint64_t seed) {
  const Bytes random = random_bytes(count * 3073, seed);
  Bytes records(random);
  for (std::size_t r = 0; r < count; ++r) records[r * 3073] = static_cast<unsigned char>(random[r * 3073] % 10);
  return records;
}

nlohmann::json run_json(const std::string& arguments) {
  const auto run = run_cli(arguments + " --json");
  INFO(arguments);
  REQUIRE(run.exit_code == 0);
  return nlohmann::json::parse(run.output);
}

}  // namespace

TEST_CASE("a PyTorch user's CIFAR-10 workflow: eval, simulate on both engines, ProAct thresholds, campaigns",
          "[cli][onnx][cifar]") {
  TempDir data;
  for (int b = 1; b <= 5; ++b) write_plain(data.file("data_batch_" + std::to_string(b) + ".bin"), cifar10_records(60, b));
  write_plain(data.file("test_batch.bin"), cifar10_records(48, 9));
  const std::string on_data = " --model " + kModel + " --data cifar10:" + data.file("");

  const nlohmann::json eval = run_json("eval" + on_data);
  CHECK(eval.at("images") == 48);
  CHECK(eval.at("data").at("spec") == "cifar10:" + data.file(""));
  // Every storage format, int8 included: its activation ranges come from the training images.
  const nlohmann::json formats = run_json("zoo --models " + kModel + " --data cifar10:" + data.file(""));
  const nlohmann::json& accuracy = formats.at("models").at(0).at("accuracy");
  CHECK(accuracy.at("fp32") == eval.at("accuracy"));
  CHECK(accuracy.size() == 5);
  CHECK(run_json("eval" + on_data + " --format int8").at("images") == 48);
  // The accelerator computes the same network: the same accuracy on both engines, the same cycles.
  const nlohmann::json functional = run_json("simulate" + on_data + " --batch 16 --engine functional");
  const nlohmann::json systemc = run_json("simulate" + on_data + " --batch 16 --engine systemc");
  CHECK(functional.at("accuracy") == eval.at("accuracy"));
  CHECK(systemc.at("accuracy") == eval.at("accuracy"));
  CHECK(systemc.at("layers") == functional.at("layers"));

  // ProAct on the imported network: a threshold per ReLU, the last one neuron-wise (16x8x8).
  const std::string thresholds = data.file("cifar_vgg.proact.json");
  const nlohmann::json made = run_json("thresholds" + on_data + " --method proact --calib 50 --train-images 100 "
                                       "--validation-limit 30 --out " + thresholds);
  CHECK(made.at("threshold_words") == 3 + 16 * 8 * 8);

  // The paper's protocol with and without the thresholds, and physical SRAM-cell faults, which the
  // two engines place on the same weights: the same accuracies.
  const nlohmann::json paper = run_json("campaign" + on_data + " --thresholds none --thresholds " + thresholds +
                                        " --fault-model proact-paper --rates 1e-4 --maps 2 --out " + data.file("paper"));
  CHECK(paper.at("finished") == true);
  CHECK(paper.at("maps_run") == 4);
  for (const auto& point : paper.at("points")) CHECK(point.at("clean_accuracy") == eval.at("accuracy"));
  nlohmann::json cells[2];
  for (int e = 0; e < 2; ++e) {
    cells[e] = run_json("campaign" + on_data + " --thresholds " + thresholds + " --fault-model bernoulli --rates 3e-4 "
                        "--maps 2 --seed 4 --engine " + (e ? "systemc" : "functional") + " --out " +
                        data.file(e ? "cells_systemc" : "cells_functional"));
  }
  CHECK(cells[0].at("points").at(0).at("mean_accuracy") == cells[1].at("points").at(0).at("mean_accuracy"));
  CHECK(cells[0].at("points").at(0).at("faults_mean") == cells[1].at("points").at(0).at("faults_mean"));
}
