// ONNX import and export: PyTorch's exports of small networks (testbenches/fixtures/onnx, made by
// its make_fixtures.py) give PyTorch's logits; every zoo model survives export and import bit for
// bit; what the importer cannot read is refused with one line naming the file and, where a node
// is at fault, the node, its op type and the opset; and --model takes the exported files. The
// test links ONNX's own classes to check exported files and to damage fixtures.
#include <catch2/catch.hpp>

#include <google/protobuf/text_format.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "models/net/architectures.hpp"
#include "models/net/deployment.hpp"
#include "models/onnx/export.hpp"
#include "models/onnx/import.hpp"
#include "models/onnx/tensor_file.hpp"
#include "sw/thresholds/clip_sites.hpp"
#include "sw/train/evaluate.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/tensor_helpers.hpp"

using namespace proact;
using Catch::Matchers::Contains;
using proact::testing::max_abs_difference;
using proact::testing::random_images;
using proact::testing::run_cli;
using proact::testing::same_bits;

namespace {

const std::string kFixtures = "testbenches/fixtures/onnx/";

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("proact_test_onnx_" + name)).string();
}

std::vector<std::string> layer_names(const Network& network) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < network.size(); ++i) names.push_back(network.layer(i).name());
  return names;
}

std::size_t count_kind(const Network& network, const std::string& kind) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < network.size(); ++i) n += network.layer(i).kind() == kind;
  return n;
}

// The message of what `load` throws (the test fails when it throws nothing).
std::string error_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const std::exception& e) {
    return e.what();
  }
  FAIL("no exception");
  return "";
}

const ExecutionOptions kArrayOrder{Mode::eval, accumulation_order(Dataflow::ws, 32)};

}  // namespace

TEST_CASE("PyTorch's ONNX exports give PyTorch's logits", "[onnx]") {
  // fixture, BatchNorm layers left unfolded, Relu nodes
  const auto [name, batch_norms, relus] = GENERATE(table<std::string, std::size_t, std::size_t>(
      {{"conv_bn_pool", 0, 3}, {"residual_opset9", 2, 3}, {"residual_opset13", 2, 3}, {"residual_opset17", 2, 3},
       {"mlp", 0, 1}}));
  INFO(name);
  Checkpoint model = import_onnx(kFixtures + name + ".onnx");
  const Tensor input = read_tensor_file(kFixtures + name + ".input.pb");
  const Tensor expected = read_tensor_file(kFixtures + name + ".logits.pb");
  float largest = 0.0f;
  for (float v : expected.values()) largest = std::max(largest, std::abs(v));
  for (const ExecutionOptions& options : {ExecutionOptions{}, kArrayOrder}) {
    const Tensor& logits = model.network.forward(input, options);
    REQUIRE(logits.shape() == expected.shape());
    CHECK(max_abs_difference(logits, expected) <= 1e-3f * largest);
    for (int b = 0; b < input.dim(0); ++b) CHECK(predicted_class(logits, b) == predicted_class(expected, b));
  }
  CHECK(count_kind(model.network, "batch_norm") == batch_norms);
  CHECK(clip_sites(model.network).size() == relus);
  CHECK(model.network.architecture() == name);
  CHECK(model.metadata == nlohmann::json::object());
}

TEST_CASE("imported layers are named after the ONNX nodes, batch norm folded into its conv", "[onnx]") {
  const Network network = import_onnx(kFixtures + "conv_bn_pool.onnx").network;
  CHECK(layer_names(network) == std::vector<std::string>{"conv1_Conv", "Relu", "MaxPool", "conv2_Conv", "Relu_1",
                                                         "MaxPool_1", "Flatten", "fc1_Gemm", "Relu_2", "Gemm"});
  CHECK(network.input_shape() == Shape{2, 12, 12});
  // The residual model: the conv whose output an Add also reads keeps its batch norm, and so does
  // the one after an Add; the Identity, Dropout, Reshape of a flat tensor and bias Add add no layer.
  const Network residual = import_onnx(kFixtures + "residual_opset13.onnx").network;
  CHECK(layer_names(residual) == std::vector<std::string>{"stem_Conv", "Relu", "conv_a_Conv", "bn_a_BatchNormalization",
                                                          "Add", "Relu_1", "conv_b_Conv", "shortcut_Conv", "Add_1",
                                                          "bn_after_add_BatchNormalization", "Relu_2",
                                                          "GlobalAveragePool", "MatMul"});
}

TEST_CASE("weights in float_data and shapes in int64_data read as from raw_data", "[onnx]") {
  onnx::ModelProto model;
  std::ifstream in(kFixtures + "residual_opset13.onnx", std::ios::binary);
  REQUIRE(model.ParseFromIstream(&in));
  // Moves a tensor's raw little-endian values into its typed field.
  const auto unpack = [](onnx::TensorProto& t) {
    const std::string raw = t.raw_data();
    t.clear_raw_data();
    if (t.data_type() == onnx::TensorProto::FLOAT) {
      std::vector<float> values(raw.size() / sizeof(float));
      std::memcpy(values.data(), raw.data(), raw.size());
      for (float v : values) t.add_float_data(v);
    } else {
      REQUIRE(t.data_type() == onnx::TensorProto::INT64);
      std::vector<std::int64_t> values(raw.size() / sizeof(std::int64_t));
      std::memcpy(values.data(), raw.data(), raw.size());
      for (std::int64_t v : values) t.add_int64_data(v);
    }
  };
  for (onnx::TensorProto& t : *model.mutable_graph()->mutable_initializer()) unpack(t);
  int constants = 0;
  for (onnx::NodeProto& n : *model.mutable_graph()->mutable_node()) {
    if (n.op_type() != "Constant") continue;
    unpack(*n.mutable_attribute(0)->mutable_t());
    ++constants;
  }
  CHECK(constants == 1);  // Reshape's shape
  const std::string path = temp_path("typed_fields.onnx");
  std::ofstream out(path, std::ios::binary);
  REQUIRE(model.SerializeToOstream(&out));
  out.close();
  const Tensor input = read_tensor_file(kFixtures + "residual_opset13.input.pb");
  Network raw = import_onnx(kFixtures + "residual_opset13.onnx").network;
  Network typed = import_onnx(path).network;
  CHECK(same_bits(typed.forward(input, kArrayOrder), raw.forward(input, kArrayOrder)));

  // One value short: refused as a truncated tensor, naming the node and the initializer.
  onnx::TensorProto& head = *model.mutable_graph()->mutable_initializer()->rbegin();
  head.mutable_float_data()->RemoveLast();
  std::ofstream short_out(path, std::ios::binary);
  REQUIRE(model.SerializeToOstream(&short_out));
  short_out.close();
  CHECK_THAT(error_of([&] { import_onnx(path); }),
             Contains("tensor '" + head.name() + "': holds 11 values, its dims need 12"));
  std::filesystem::remove(path);
}

TEST_CASE("zoo models survive ONNX export and import bit for bit", "[onnx]") {
  const std::string name = GENERATE(from_range(architecture_names()));
  INFO(name);
  const Checkpoint zoo = load_checkpoint(resolve_model_path(name));
  const std::string path = temp_path(name + ".onnx");
  export_onnx(zoo.network, zoo.metadata, path);
  CHECK_NOTHROW(onnx::checker::check_model(path));
  Checkpoint imported = import_onnx(path);
  CHECK(imported.metadata == zoo.metadata);

  // Batch norm exported unfolded and folded back on import: the layers of fold_batch_norm(zoo).
  Network folded = fold_batch_norm(zoo.network);
  REQUIRE(imported.network.size() == folded.size());
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const Layer& a = imported.network.layer(i);
    const Layer& b = folded.layer(i);
    CHECK(a.name() == b.name());
    CHECK(a.kind() == b.kind());
    CHECK(a.attributes() == b.attributes());
    CHECK(imported.network.node(i).inputs == folded.node(i).inputs);
    REQUIRE(a.parameters().size() == b.parameters().size());
    for (std::size_t p = 0; p < a.parameters().size(); ++p) {
      CHECK(same_bits(a.parameters()[p].value, b.parameters()[p].value));
    }
  }
  const Tensor images = random_images(6, 17);
  for (const ExecutionOptions& options : {ExecutionOptions{}, kArrayOrder}) {
    CHECK(same_bits(imported.network.forward(images, options), folded.forward(images, options)));
    if (count_kind(zoo.network, "batch_norm") == 0) {
      Network original = zoo.network;
      CHECK(same_bits(imported.network.forward(images, options), original.forward(images, options)));
    }
  }
  // What eval, simulate and campaigns run: the deployment, int8 included (its activation ranges
  // travel in the metadata).
  const nlohmann::json ranges = zoo.metadata.at("activation_ranges");
  for (Format format : {Format::fp32, Format::int8}) {
    Deployment from_zoo(zoo.network, format, ranges);
    Deployment from_onnx(imported.network, format, imported.metadata.at("activation_ranges"));
    CHECK(same_bits(from_onnx.network().forward(images, kArrayOrder), from_zoo.network().forward(images, kArrayOrder)));
  }
  std::filesystem::remove(path);
}

TEST_CASE("what the importer cannot read is refused with one line", "[onnx][errors]") {
  const auto refusal = [](const std::string& path) {
    const std::string message = error_of([&] { import_onnx(path); });
    CHECK(message.find('\n') == std::string::npos);
    CHECK_THAT(message, Contains(path));
    return message;
  };
  SECTION("an unsupported operator, before any node is translated (the grouped conv before it is not reached)") {
    CHECK_THAT(refusal(kFixtures + "refuse_sigmoid.onnx"),
               Contains("node '/Sigmoid' (Sigmoid, opset 13): operator Sigmoid is not supported") &&
                   Contains("supported: Add, BatchNormalization"));
  }
  SECTION("an attribute the layer cannot express") {
    CHECK_THAT(refusal(kFixtures + "refuse_grouped_conv.onnx"),
               Contains("node '/conv/Conv' (Conv, opset 13): attribute group=2 is not supported"));
  }
  SECTION("a missing initializer") {
    CHECK_THAT(refusal(kFixtures + "refuse_missing_initializer.onnx"),
               Contains("node '/MatMul' (MatMul, opset 13): input 'fc2_weight' is not defined"));
  }
  SECTION("an opset outside 9 to 17") {
    CHECK_THAT(refusal(kFixtures + "refuse_opset18.onnx"), Contains("opset 18 is not supported"));
  }
  SECTION("a file that is not ONNX") {
    const std::string path = temp_path("not_onnx.onnx");
    std::ofstream(path) << "this is a text file, not a protobuf message\n";
    CHECK_THAT(refusal(path), Contains("not an ONNX model"));
    std::filesystem::remove(path);
    CHECK_THAT(refusal(path), Contains("cannot open"));
  }
  SECTION("a truncated file, cut anywhere") {
    const std::string whole = temp_path("whole.onnx"), cut = temp_path("cut.onnx");
    const Checkpoint lenet = load_checkpoint(resolve_model_path("lenet5"));
    export_onnx(lenet.network, lenet.metadata, whole);
    std::ifstream in(whole, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{100}, bytes.size() / 4,
                               bytes.size() / 2, bytes.size() - 1000, bytes.size() - 1}) {
      INFO("first " << length << " of " << bytes.size() << " bytes");
      std::ofstream(cut, std::ios::binary) << bytes.substr(0, length);
      refusal(cut);
    }
    std::filesystem::remove(whole);
    std::filesystem::remove(cut);
  }
}

TEST_CASE("attribute values a layer cannot express are refused, naming the attribute", "[onnx][errors]") {
  // conv_bn_pool.onnx with one attribute (protobuf text format) of its first `op` node replaced.
  // Text because AttributeProto values built inside this table expression came out wrong (the
  // first took the ints of a later one) when compiled by GCC 12.2 with -march=native, and right
  // without it or under ASan/UBSan: not understood, so avoided.
  const auto [op, text, expected] = GENERATE(table<std::string, std::string, std::string>(
      {{"Conv", "name: 'pads' type: INTS ints: [1, 1, 0, 0]", "attribute pads=[1, 1, 0, 0] is not supported"},
       {"Conv", "name: 'dilations' type: INTS ints: [2, 2]", "attribute dilations=[2, 2] is not supported"},
       {"Conv", "name: 'kernel_shape' type: INTS ints: [3, 1]", "attribute kernel_shape=[3, 1] is not supported (square"},
       {"Conv", "name: 'auto_pad' type: STRING s: 'SAME_UPPER'", "attribute auto_pad=SAME_UPPER is not supported"},
       {"Conv", "name: 'strides' type: INT i: 2", "attribute 'strides' is of type INT, expected INTS"},
       {"MaxPool", "name: 'strides' type: INTS ints: [0, 0]", "attribute strides=[0, 0] is not supported (not a stride)"},
       {"MaxPool", "name: 'pads' type: INTS ints: [1, 1, 1, 1]", "attribute pads=[1, 1, 1, 1] is not supported"},
       {"Flatten", "name: 'axis' type: INT i: 2", "attribute axis=2 is not supported"},
       {"Gemm", "name: 'transA' type: INT i: 1", "attribute transA=1 is not supported"}}));
  onnx::AttributeProto attribute;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &attribute));
  INFO(op << " " << attribute.name());
  onnx::ModelProto model;
  std::ifstream in(kFixtures + "conv_bn_pool.onnx", std::ios::binary);
  REQUIRE(model.ParseFromIstream(&in));
  onnx::NodeProto& node = *std::find_if(model.mutable_graph()->mutable_node()->begin(),
                                        model.mutable_graph()->mutable_node()->end(),
                                        [&](const onnx::NodeProto& n) { return n.op_type() == op; });
  auto& attributes = *node.mutable_attribute();
  attributes.erase(std::remove_if(attributes.begin(), attributes.end(),
                                  [&](const onnx::AttributeProto& a) { return a.name() == attribute.name(); }),
                   attributes.end());
  *node.add_attribute() = attribute;
  const std::string path = temp_path("attribute.onnx");
  std::ofstream out(path, std::ios::binary);
  REQUIRE(model.SerializeToOstream(&out));
  out.close();
  const std::string message = error_of([&] { import_onnx(path); });
  CHECK_THAT(message, Contains("node '" + node.name() + "' (" + op + ", opset 13): " + expected));
  CHECK(message.find('\n') == std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("export refuses layers it cannot write, naming them", "[onnx][errors]") {
  Network lenet = load_checkpoint(resolve_model_path("lenet5")).network;
  activation_at(lenet, clip_sites(lenet).front()).set_clipping(ClipForm::hard, Tensor({1}, 3.0f));
  CHECK_THROWS_WITH(export_onnx(lenet, {}, temp_path("clipped.onnx")),
                    Contains("layer 'relu1'") && Contains("clipped ReLU"));
}

TEST_CASE("proact export writes a file that eval and simulate take as --model", "[cli][onnx]") {
  const std::string path = temp_path("cli_lenet5.onnx");
  const auto exported = run_cli("export --model lenet5 --out " + path + " --json");
  REQUIRE(exported.exit_code == 0);
  CHECK(nlohmann::json::parse(exported.output).at("layers") == 12);

  const auto zoo = nlohmann::json::parse(run_cli("eval --model lenet5 --limit 300 --json").output);
  const auto onnx = nlohmann::json::parse(run_cli("eval --model " + path + " --limit 300 --json").output);
  CHECK(onnx.at("correct") == zoo.at("correct"));
  // lenet5 has no batch norm: the same weights, so the zoo's threshold files apply.
  const auto simulate = run_cli("simulate --model " + path + " --engine functional --limit 200 --json "
                                "--thresholds models/zoo/lenet5.proact.thresholds.json");
  REQUIRE(simulate.exit_code == 0);
  const auto zoo_simulate = run_cli("simulate --model lenet5 --engine functional --limit 200 --json "
                                    "--thresholds models/zoo/lenet5.proact.thresholds.json");
  CHECK(nlohmann::json::parse(simulate.output).at("correct") == nlohmann::json::parse(zoo_simulate.output).at("correct"));
  std::filesystem::remove(path);

  const auto refused = run_cli("eval --model " + kFixtures + "refuse_sigmoid.onnx", true);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Contains("proact: error: ") && Contains("(Sigmoid, opset 13)"));
  CHECK(std::count(refused.output.begin(), refused.output.end(), '\n') == 1);
}
