// `proact predict`: the logits are the network's, both engines write the same bytes, and bad input
// is one line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "models/net/deployment.hpp"
#include "sw/data/npy.hpp"
#include "sw/data/npy_writer.hpp"
#include "sw/model/load_model.hpp"
#include "sw/train/evaluate.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/file_helpers.hpp"

using Catch::Matchers::Contains;
using namespace proact;
using proact::testing::Bytes;
using proact::testing::run_cli;
using proact::testing::TempDir;

namespace {

Bytes file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// `count` images (count, 1, 28, 28) of values in [0, 1), seeded.
Tensor random_images(int count, std::uint64_t seed) {
  Rng rng(seed);
  Tensor images({count, 1, 28, 28});
  for (float& x : images.values()) x = static_cast<float>(rng.uniform_int(256)) / 256.0f;
  return images;
}

}  // namespace

TEST_CASE("proact predict writes the network's logits as a .npy file", "[cli][predict]") {
  TempDir dir;
  const Tensor images = random_images(7, 41);
  write_npy(dir.file("x.npy"), images);
  const auto run = run_cli("predict --model lenet5 --input " + dir.file("x.npy") + " --out " + dir.file("y.npy") +
                           " --batch 3 --threads 2 --json");
  REQUIRE(run.exit_code == 0);
  const auto result = nlohmann::json::parse(run.output);
  CHECK(result.at("images") == 7);
  CHECK(result.at("shape") == nlohmann::json{7, 10});
  CHECK(result.at("engine") == "functional");
  CHECK(result.at("order") == "ws 32 rows");
  CHECK(result.at("format") == "fp32");

  const Bytes written = file_bytes(dir.file("y.npy"));
  CHECK(std::string(written.begin(), written.begin() + 10) == std::string("\x93NUMPY\x01\x00v\x00", 10));
  const NpyArray logits = read_npy(dir.file("y.npy"));
  CHECK(logits.descr == "<f4");
  CHECK(logits.shape == std::vector<std::size_t>{7, 10});
  // In process: the zoo's lenet5 deployed in fp32, in the default array's order (ws, 32 rows).
  const Checkpoint checkpoint = load_model("lenet5");
  Deployment deployment(checkpoint.network, Format::fp32);
  const Tensor expected = batched_logits(deployment.network(), images, accumulation_order(Dataflow::ws, 32), 7);
  CHECK(logits.floats() == expected.values());

  SECTION("uint8 images are divided by 255, like --data npy") {
    std::vector<std::uint8_t> pixels(2 * 28 * 28);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 7);
    Tensor scaled({2, 1, 28, 28});
    for (std::size_t i = 0; i < pixels.size(); ++i) scaled[i] = static_cast<float>(pixels[i]) / 255.0f;
    // A uint8 .npy: the float32 file's header with '|u1', then one byte per pixel.
    std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 28, 28), }";
    header.append(63 - (10 + header.size()) % 64, ' ');
    Bytes file = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<unsigned char>(header.size() + 1), 0};
    file.insert(file.end(), header.begin(), header.end());
    file.push_back('\n');
    file.insert(file.end(), pixels.begin(), pixels.end());
    testing::write_plain(dir.file("u8.npy"), file);
    write_npy(dir.file("f32.npy"), scaled);
    REQUIRE(run_cli("predict --model lenet5 --input " + dir.file("u8.npy") + " --out " + dir.file("a.npy")).exit_code == 0);
    REQUIRE(run_cli("predict --model lenet5 --input " + dir.file("f32.npy") + " --out " + dir.file("b.npy")).exit_code == 0);
    CHECK(file_bytes(dir.file("a.npy")) == file_bytes(dir.file("b.npy")));
  }
  SECTION("the order and the storage format are options; the thread count changes nothing") {
    const auto free = run_cli("predict --model lenet5 --dataflow free --format int8 --json --input " +
                              dir.file("x.npy") + " --out " + dir.file("free.npy"));
    REQUIRE(free.exit_code == 0);
    CHECK(nlohmann::json::parse(free.output).at("order") == "free");
    // int8 sums are exact integers, so even Eigen's free order gives the same bits in two processes.
    Deployment int8(checkpoint.network, Format::int8, checkpoint.metadata.at("activation_ranges"));
    CHECK(read_npy(dir.file("free.npy")).floats() ==
          batched_logits(int8.network(), images, AccumulationOrder::free_order(), 64).values());
    REQUIRE(run_cli("predict --model lenet5 --threads 1 --input " + dir.file("x.npy") + " --out " + dir.file("t1.npy"))
                .exit_code == 0);
    CHECK(file_bytes(dir.file("t1.npy")) == written);
  }
}

TEST_CASE("proact predict: the systemc and functional engines write identical bytes", "[cli][predict][systemc]") {
  TempDir dir;
  write_npy(dir.file("x.npy"), random_images(5, 42));
  // model, config options: the default array (fp32, ws 32x32) and an int8 8x8 one with its order.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"lenet5", ""}, {"vgg-small", "--format bf16"}, {"resnet-small", "--preset edge-8x8"}};
  for (const auto& [model, options] : cases) {
    INFO(model + " " + options);
    const std::string common = "predict --model " + model + " " + options + " --batch 2 --input " + dir.file("x.npy");
    REQUIRE(run_cli(common + " --engine systemc --out " + dir.file("s.npy")).exit_code == 0);
    REQUIRE(run_cli(common + " --engine functional --out " + dir.file("f.npy")).exit_code == 0);
    const Bytes systemc = file_bytes(dir.file("s.npy"));
    CHECK(systemc.size() == 128 + 5 * 10 * 4);
    CHECK(systemc == file_bytes(dir.file("f.npy")));
  }
}

TEST_CASE("proact predict refuses bad input with one line, before any work", "[cli][predict][errors]") {
  TempDir dir;
  write_npy(dir.file("x.npy"), Tensor({2, 3, 32, 32}));
  const auto one_line = [](const testing::Run& run) {
    CHECK(run.exit_code != 0);
    CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  };
  const auto shape = run_cli("predict --model lenet5 --input " + dir.file("x.npy") + " --out " + dir.file("y.npy"), true);
  one_line(shape);
  CHECK(shape.output == "proact: error: " + dir.file("x.npy") + " gives images 3x32x32 but model lenet5 takes 1x28x28\n");
  CHECK(dir.entries() == 1);  // no output written

  write_npy(dir.file("flat.npy"), Tensor({2, 784}));
  const auto rank = run_cli("predict --model lenet5 --input " + dir.file("flat.npy") + " --out " + dir.file("y.npy"), true);
  one_line(rank);
  CHECK_THAT(rank.output, Contains("flat.npy") && Contains("(N, C, H, W), got 2 dimensions"));

  write_npy(dir.file("none.npy"), Tensor({0, 1, 28, 28}));
  const auto none = run_cli("predict --model lenet5 --input " + dir.file("none.npy") + " --out " + dir.file("y.npy"), true);
  one_line(none);
  CHECK_THAT(none.output, Contains("none.npy: holds no images (shape (0, 1, 28, 28))"));

  const auto order = run_cli("predict --model lenet5 --engine systemc --dataflow os --input " + dir.file("x.npy") +
                                 " --out " + dir.file("y.npy"),
                             true);
  one_line(order);
  CHECK_THAT(order.output, Contains("--dataflow") && Contains("systemc"));

  const auto out = run_cli("predict --model lenet5 --input " + dir.file("x.npy") + " --out " + dir.file("x.npy/y.npy"), true);
  one_line(out);
  CHECK_THAT(out.output, Contains(dir.file("x.npy/y.npy")) && !Contains("3x32x32"));
}
