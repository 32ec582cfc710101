// Networks end to end: the zoo architectures, batch-norm folding, checkpoints (round trip and
// refusal of damaged or foreign files), and deployments in storage formats whose stored bits
// are what inference sees.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "testbenches/tensor_helpers.hpp"
#include "models/net/architectures.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/deployment.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/structure_layers.hpp"
#include "models/onnx/import.hpp"
#include "models/random.hpp"

using namespace proact;
using Catch::Matchers::Contains;

using proact::testing::max_abs_difference;
using proact::testing::same_bits;
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

// y = -x, recording whether its last forward ran in place (output aliasing its input).
class Negate : public Layer {
 public:
  using Layer::Layer;
  std::string kind() const override { return "negate"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override { return inputs.at(0); }
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) override {
    const Tensor& x = *inputs[0];
    in_place = &output == &x;
    if (!in_place) output = Tensor(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) output[i] = -x[i];
  }
  void backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor&, const std::vector<Tensor*>&) override {}
  bool elementwise() const override { return true; }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Negate>(*this); }
  bool in_place = false;
};

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

TEST_CASE("an inference that frees activations runs element-wise layers in place, with the same bits", "[network]") {
  SECTION("the zoo (ReLU, flatten, residual adds)") {
    const std::string name = GENERATE(from_range(architecture_names()));
    Network network = fold_batch_norm(build_network(name, 5));
    const Tensor images = random_images(3, 6);
    const Tensor kept = network.forward(images, ExecutionOptions{});
    ExecutionOptions freeing;
    freeing.keep_activations = false;
    CHECK(same_bits(network.forward(images, freeing), kept));
  }
  SECTION("only where nothing reads the input later, never on the network input") {
    Network network("negations", {2});
    const int first = network.add(std::make_unique<Negate>("first"), {Network::kInput});
    const int second = network.add(std::make_unique<Negate>("second"), {first});
    const int third = network.add(std::make_unique<Negate>("third"), {first});  // first's last reader
    network.add(std::make_unique<Add>("sum"), {second, third});
    const Tensor images({1, 2}, {1.0f, -2.0f});
    ExecutionOptions freeing;
    freeing.keep_activations = false;
    CHECK(same_bits(network.forward(images, freeing), Tensor({1, 2}, {2.0f, -4.0f})));
    CHECK(images.values() == std::vector<float>{1.0f, -2.0f});
    const auto in_place = [&](int i) { return dynamic_cast<const Negate&>(network.layer(i)).in_place; };
    CHECK((!in_place(first) && !in_place(second) && in_place(third)));
    network.forward(images, ExecutionOptions{});
    CHECK(!in_place(third));  // activations kept: nothing in place
  }
}

TEST_CASE("every layer writes its whole output: a reused buffer gives a fresh one's bits", "[network]") {
  // Layers keep their output's storage from run to run (Tensor::resize_for_overwrite), so a
  // stale value left anywhere would leak into the next run: fill the reused buffer with NaNs.
  const std::string source = GENERATE(as<std::string>{}, "lenet5", "vgg-small", "resnet-small", "conv_variants_opset11",
                                      "concat_clip_opset13", "pool_variants", "mobilenet_blocks_opset13");
  INFO(source);
  Network network = source.find("opset") != std::string::npos || source == "pool_variants"
                        ? import_onnx("testbenches/fixtures/onnx/" + source + ".onnx").network
                        : build_network(source, 5);  // batch norms unfolded
  Shape shape{3};
  shape.insert(shape.end(), network.input_shape().begin(), network.input_shape().end());
  Tensor images(shape);
  Rng rng(7);
  for (float& v : images.values()) v = 2.0f * rng.uniform() - 0.5f;
  network.forward(images, ExecutionOptions{});
  std::vector<const Tensor*> inputs;
  for (std::size_t i = 0; i < network.size(); ++i) {
    INFO(network.layer(i).name());
    inputs.clear();
    for (int j : network.node(i).inputs) inputs.push_back(j == Network::kInput ? &images : &network.activation(j));
    Tensor reused(network.activation(i).shape(), std::numeric_limits<float>::quiet_NaN());
    network.layer(i).forward(inputs, reused, ExecutionOptions{});
    CHECK(same_bits(reused, network.activation(i)));
  }
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
