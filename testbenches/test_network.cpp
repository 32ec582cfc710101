// Networks end to end: the zoo architectures, batch-norm folding, checkpoints (round trip and
// refusal of damaged or foreign files), and deployments in storage formats whose stored bits
// are what inference sees.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "testbenches/tensor_helpers.hpp"
#include "models/net/architectures.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/deployment.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/random.hpp"

using namespace proact;
using Catch::Matchers::Contains;

using proact::testing::max_abs_difference;
using proact::testing::random_images;

namespace {

// Gives every batch norm non-trivial statistics, as training would.
void randomise_batch_norms(Network& network, std::uint64_t seed) {
  Rng rng(seed);
  for (std::size_t i = 0; i < network.size(); ++i) {
    if (!dynamic_cast<BatchNorm*>(&network.layer(i))) continue;
    for (Parameter& p : network.layer(i).parameters()) {
      for (float& v : p.value.values()) {
        v = p.name == "running_var" || p.name == "gamma" ? 0.5f + rng.uniform() : 0.2f * rng.normal();
      }
    }
  }
}

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("proact_test_network_" + name);
}

}  // namespace

TEST_CASE("zoo architectures map 1x28x28 images to 10 logits", "[network]") {
  const std::string name = GENERATE(from_range(architecture_names()));
  Network network = build_network(name, 1);
  CHECK(network.output_shape() == Shape{10});
  const Tensor& logits = network.forward(random_images(3, 2), ExecutionOptions{});
  CHECK(logits.shape() == Shape{3, 10});
  for (float v : logits.values()) CHECK(std::isfinite(v));
  CHECK_THROWS_WITH(build_network("alexnet", 1), Contains("alexnet") && Contains("lenet5"));
}

TEST_CASE("networks refuse inputs of the wrong shape", "[network]") {
  Network network = build_network("lenet5", 1);
  CHECK_THROWS_WITH(network.forward(Tensor({2, 1, 32, 32}), ExecutionOptions{}), Contains("expects input"));
}

TEST_CASE("the same seed builds the same weights", "[network]") {
  Network a = build_network("vgg-small", 7), b = build_network("vgg-small", 7), c = build_network("vgg-small", 8);
  CHECK(a.layer(0).parameter("weight").value.values() == b.layer(0).parameter("weight").value.values());
  CHECK(a.layer(0).parameter("weight").value.values() != c.layer(0).parameter("weight").value.values());
}

TEST_CASE("folding batch norm keeps the eval-mode function", "[network][fold]") {
  const std::string name = GENERATE(std::string("vgg-small"), std::string("resnet-small"));
  Network network = build_network(name, 3);
  randomise_batch_norms(network, 4);
  Network folded = fold_batch_norm(network);
  std::size_t batch_norms = 0;
  for (std::size_t i = 0; i < folded.size(); ++i) batch_norms += dynamic_cast<BatchNorm*>(&folded.layer(i)) != nullptr;
  CHECK(batch_norms == 0);
  CHECK(folded.size() < network.size());
  const Tensor images = random_images(4, 5);
  const Tensor reference = network.forward(images, ExecutionOptions{});
  const Tensor& result = folded.forward(images, ExecutionOptions{});
  CHECK(max_abs_difference(reference, result) < 1e-3f);
}

TEST_CASE("checkpoints round-trip and refuse damaged or foreign files", "[network][checkpoint]") {
  Network network = build_network("resnet-small", 11);
  randomise_batch_norms(network, 12);
  const auto path = temp_path("resnet.ckpt");
  save_checkpoint(path.string(), network, {{"test_accuracy", 0.5}});
  const Tensor images = random_images(2, 13);
  const Tensor reference = network.forward(images, ExecutionOptions{});

  SECTION("round trip") {
    Checkpoint loaded = load_checkpoint(path.string());
    CHECK(loaded.network.architecture() == "resnet-small");
    CHECK(loaded.metadata.at("test_accuracy") == 0.5);
    CHECK(loaded.network.forward(images, ExecutionOptions{}).values() == reference.values());
  }
  SECTION("a flipped byte is a checksum error") {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-100, std::ios::end);
    f.put('\x5a');
    f.close();
    CHECK_THROWS_WITH(load_checkpoint(path.string()), Contains(path.string()) && Contains("checksum"));
  }
  SECTION("a truncated file is refused") {
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    CHECK_THROWS_WITH(load_checkpoint(path.string()), Contains(path.string()));
  }
  SECTION("a missing file names the path") {
    CHECK_THROWS_WITH(load_checkpoint(path.string() + ".missing"), Contains(".missing"));
  }
  SECTION("an unknown model name lists where it looked") {
    CHECK_THROWS_WITH(resolve_model_path("no-such-model"), Contains("no-such-model") && Contains("models/zoo"));
  }
  std::filesystem::remove(path);
}

TEST_CASE("an fp32 deployment computes what the folded network computes", "[network][deployment]") {
  Network network = build_network("vgg-small", 21);
  randomise_batch_norms(network, 22);
  Deployment deployment(network, Format::fp32);
  Network folded = fold_batch_norm(network);
  const Tensor images = random_images(3, 23);
  ExecutionOptions exact;
  exact.order = AccumulationOrder::folded(16);
  const Tensor reference = folded.forward(images, exact);
  CHECK(deployment.network().forward(images, exact).values() == reference.values());
}

TEST_CASE("a flipped stored bit reaches inference exactly", "[network][deployment]") {
  Network network = build_network("lenet5", 31);
  Deployment deployment(network, Format::q15_16);
  StoredParameter& weight = deployment.parameters().front();
  REQUIRE(weight.parameter == "weight");
  auto& conv = dynamic_cast<GemmLayer&>(deployment.network().layer(weight.node));
  const float before = conv.parameter("weight").value[5];
  weight.stored.words[5] = flip_bit(Format::q15_16, weight.stored.words[5], 30);
  deployment.apply(0);
  const float after = conv.parameter("weight").value[5];
  CHECK(after == decode_word(Format::q15_16, weight.stored.words[5]));
  CHECK(std::abs(after - before) > 16000.0f);  // bit 30 of Q15.16 is worth 2^14
  CHECK(deployment.stored_bits() == 32 * (network.trainable_count()));
}

TEST_CASE("storage formats change logits by their rounding only", "[network][deployment]") {
  Network network = build_network("lenet5", 41);
  const Tensor images = random_images(8, 42);
  const nlohmann::json ranges = calibrate_input_ranges(network, images);
  Network reference_network = fold_batch_norm(network);
  const Tensor reference = reference_network.forward(images, ExecutionOptions{});
  const auto [format, tolerance] = GENERATE(table<Format, float>(
      {{Format::fp32, 1e-4f}, {Format::fp16, 2e-2f}, {Format::bf16, 1e-1f}, {Format::q15_16, 2e-2f}, {Format::int8, 2e-1f}}));
  Deployment deployment(network, format, ranges);
  const Tensor& logits = deployment.network().forward(images, ExecutionOptions{});
  INFO(format_name(format));
  CHECK(max_abs_difference(logits, reference) < tolerance);
}

TEST_CASE("int8 deployments run the integer datapath bit-exactly", "[network][deployment][int8]") {
  Network network = build_network("lenet5", 51);
  const Tensor images = random_images(4, 52);
  const nlohmann::json ranges = calibrate_input_ranges(network, images);
  Deployment deployment(network, Format::int8, ranges);
  // Whatever order is asked for, integer sums are exact: all orders agree to the bit.
  ExecutionOptions ws;
  ws.order = AccumulationOrder::folded(8);
  const Tensor free_logits = deployment.network().forward(images, ExecutionOptions{});
  CHECK(deployment.network().forward(images, ws).values() == free_logits.values());
  CHECK_THROWS_WITH(Deployment(network, Format::int8), Contains("activation range") && Contains("conv1"));
}
