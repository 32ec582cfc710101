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
#include <limits>
#include <nlohmann/json.hpp>

#include "models/net/activation_layer.hpp"
#include "models/net/architectures.hpp"
#include "models/net/deployment.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"
#include "models/onnx/export.hpp"
#include "models/onnx/import.hpp"
#include "models/onnx/tensor_file.hpp"
#include "sw/compiler/program.hpp"
#include "sw/scalesim/model_topology.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/protection/threshold_file.hpp"
#include "sw/train/evaluate.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/error_helpers.hpp"
#include "testbenches/tensor_helpers.hpp"

using namespace proact;
using Catch::Matchers::Contains;
using proact::testing::error_of;
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

const ExecutionOptions kArrayOrder{Mode::eval, accumulation_order(Dataflow::ws, 32)};

// A (1, 28, 28) network of every layer form the ONNX import added, with random weights: grouped
// and depthwise convs, dilation, a rectangular kernel, per-axis strides, padding per side, ReLU6
// and general Clip bounds, Concat of (C, H, W) and of (F) values, a Pad of 0.5 and a zero Pad
// before a ceil-mode max pool, an average pool with padding, ceil mode and count_include_pad.
Network new_layers_network() {
  Network net("new-layers", {1, 28, 28});
  Rng rng(7);
  const auto conv = [&](const std::string& name, int in, int out, const ConvWindow& w, int from) {
    auto layer = std::make_unique<Conv2d>(name, in, out, w);
    for (float& v : layer->parameter("weight").value.values()) v = 0.3f * rng.normal();
    for (float& v : layer->parameter("bias").value.values()) v = 0.1f * rng.normal();
    return net.add(std::move(layer), {from});
  };
  const auto dense = [&](const std::string& name, int in, int out, int from) {
    auto layer = std::make_unique<Dense>(name, in, out);
    for (float& v : layer->parameter("weight").value.values()) v = 0.3f * rng.normal();
    return net.add(std::move(layer), {from});
  };
  // ConvWindow {kernel, stride, dilation, padding [top, left, bottom, right], groups}
  int x = conv("stem", 1, 8, ConvWindow::square(3, 2, 1), Network::kInput);                     // 8x14x14
  x = net.add(std::make_unique<Activation>("relu6", ClampBounds{0.0f, 6.0f}), {x});
  const int a = conv("grouped", 8, 8, ConvWindow{{3, 2}, {1, 1}, {2, 1}, {2, 0, 2, 1}, 2}, x);   // 8x14x14
  const int b = conv("depthwise", 8, 8, ConvWindow{{3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, 8}, x);  // 8x14x14
  x = net.add(std::make_unique<Concat>("concat", 2), {a, b});                                   // 16x14x14
  x = net.add(std::make_unique<Activation>("clip", ClampBounds{-1.0f, 2.0f}), {x});
  x = net.add(std::make_unique<Pad>("pad_half", Padding2d{0, 1, 2, 0}, 0.5f), {x});              // 16x16x15
  x = net.add(std::make_unique<Pad>("pad_zero", Padding2d::uniform(1)), {x});                   // 16x18x17
  x = net.add(std::make_unique<Pool2d>("max", Pool2d::Kind::max, PoolWindow{{3, 3}, {2, 2}, {}, true, false}),
              {x});                                                                              // 16x9x8
  x = net.add(std::make_unique<Pool2d>("avg", Pool2d::Kind::average,
                                       PoolWindow{{2, 3}, {2, 1}, {0, 1, 0, 1}, true, true}),
              {x});                                                                              // 16x5x8
  x = conv("strided", 16, 6, ConvWindow{{3, 3}, {1, 2}, {1, 1}, {1, 0, 1, 0}, 1}, x);          // 6x5x3
  x = net.add(std::make_unique<Activation>("clip_low", ClampBounds{-std::numeric_limits<float>::infinity(), 1.5f}),
              {x});
  x = net.add(std::make_unique<Flatten>("flatten"), {x});
  const int h1 = dense("head1", 90, 6, x), h2 = dense("head2", 90, 4, x);
  x = net.add(std::make_unique<Concat>("heads", 2), {h1, h2});
  dense("out", 10, 10, x);
  return net;
}

}  // namespace

TEST_CASE("PyTorch's ONNX exports give PyTorch's logits", "[onnx]") {
  // fixture, BatchNorm layers left unfolded, Relu and Clip nodes (each a clip site)
  const auto [name, batch_norms, relus] = GENERATE(table<std::string, std::size_t, std::size_t>(
      {{"conv_bn_pool", 0, 3}, {"residual_opset9", 2, 3}, {"residual_opset13", 2, 3}, {"residual_opset17", 2, 3},
       {"mlp", 0, 1}, {"mobilenet_blocks_opset9", 0, 5}, {"mobilenet_blocks_opset13", 0, 5},
       {"conv_variants_opset9", 0, 5}, {"conv_variants_opset11", 0, 5}, {"pool_variants", 0, 1},
       {"concat_clip_opset9", 0, 7}, {"concat_clip_opset13", 0, 7}, {"cifar_vgg", 0, 4}}));
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

namespace {

// The fixture `name` with every Constant node's value moved into an initializer (PyTorch writes
// Clip bounds and Reshape shapes as Constant nodes; other exporters as initializers).
std::string constants_as_initializers(const std::string& name) {
  onnx::ModelProto model;
  std::ifstream in(kFixtures + name + ".onnx", std::ios::binary);
  REQUIRE(model.ParseFromIstream(&in));
  onnx::GraphProto& graph = *model.mutable_graph();
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (onnx::NodeProto& n : *graph.mutable_node()) {
    if (n.op_type() != "Constant") {
      *nodes.Add() = n;
      continue;
    }
    onnx::TensorProto& value = *graph.add_initializer();
    value = n.attribute(0).t();
    value.set_name(n.output(0));
  }
  graph.mutable_node()->Swap(&nodes);
  const std::string path = temp_path("initializers_" + name + ".onnx");
  std::ofstream out(path, std::ios::binary);
  REQUIRE(model.SerializeToOstream(&out));
  return path;
}

}  // namespace

TEST_CASE("a shapes-only import gives the same layers, shapes and bounds, with zero weights", "[onnx]") {
  const std::string name = GENERATE("conv_bn_pool", "residual_opset9", "residual_opset17", "mlp", "mobilenet_blocks_opset13",
                                    "conv_variants_opset11", "pool_variants", "concat_clip_opset9", "concat_clip_opset13",
                                    "cifar_vgg");
  for (const std::string& path : {kFixtures + name + ".onnx", constants_as_initializers(name)}) {
    INFO(path);
    const Network full = import_onnx(path).network;
    const Network shapes = import_onnx(path, Weights::shapes_only).network;
    REQUIRE(layer_names(shapes) == layer_names(full));
    for (std::size_t i = 0; i < full.size(); ++i) {
      INFO(full.layer(i).name());
      CHECK(shapes.layer(i).kind() == full.layer(i).kind());
      CHECK(shapes.shape_of(static_cast<int>(i)) == full.shape_of(static_cast<int>(i)));
      if (const auto* activation = dynamic_cast<const Activation*>(&full.layer(i))) {  // scalar Clip bounds: kept
        const ClampBounds bounds = dynamic_cast<const Activation&>(shapes.layer(i)).bounds();
        CHECK(bounds.lo == activation->bounds().lo);
        CHECK(bounds.hi == activation->bounds().hi);
      }
      for (const Parameter& p : shapes.layer(i).parameters()) {
        if (p.name != "weight") continue;
        CHECK(std::all_of(p.value.values().begin(), p.value.values().end(), [](float v) { return v == 0.0f; }));
      }
    }
    CHECK(format_topology(model_topology(shapes, shapes.input_shape())) ==
          format_topology(model_topology(full, full.input_shape())));
  }
  std::filesystem::remove(temp_path("initializers_" + name + ".onnx"));
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

TEST_CASE("new operators become the layers their attributes describe", "[onnx]") {
  const auto kinds_with = [](const Network& network, const std::string& kind) {
    std::vector<nlohmann::json> attributes;
    for (std::size_t i = 0; i < network.size(); ++i)
      if (network.layer(i).kind() == kind) attributes.push_back(network.layer(i).attributes());
    return attributes;
  };
  SECTION("convs: groups, dilation, per-axis kernels and strides, pads per side, auto_pad, folded zero Pads") {
    for (const std::string opset : {"9", "11"}) {
      INFO("opset " << opset);
      const Network network = import_onnx(kFixtures + "conv_variants_opset" + opset + ".onnx").network;
      const std::vector<nlohmann::json> convs = kinds_with(network, "conv2d");
      REQUIRE(convs.size() == 6);
      CHECK(convs[1].at("groups") == 2);
      CHECK(convs[1].at("dilation") == 2);
      CHECK(convs[2].at("kernel") == nlohmann::json::array({3, 1}));
      CHECK(convs[2].at("stride") == nlohmann::json::array({2, 1}));
      CHECK(convs[2].at("padding") == nlohmann::json::array({0, 1, 2, 0}));  // the Pad before it, folded
      CHECK(convs[3].at("padding") == nlohmann::json::array({1, 1, 2, 2}));  // SAME_UPPER, kernel 4
      CHECK(convs[3].at("groups") == 12);
      CHECK(convs[4].at("padding") == nlohmann::json::array({2, 2, 1, 1}));  // SAME_LOWER
      CHECK(convs[5].at("stride") == nlohmann::json::array({1, 2}));
      CHECK(convs[5].at("padding") == nlohmann::json::array({1, 0, 1, 0}));
      // The Pad of 0.5 and the zero Pad before the MaxPool (whose own padding never wins) stay.
      const std::vector<nlohmann::json> pads = kinds_with(network, "pad");
      REQUIRE(pads.size() == 2);
      CHECK(pads[0] == nlohmann::json{{"padding", nlohmann::json::array({0, 0, 1, 1})}, {"value", 0.5}});
      CHECK(pads[1] == nlohmann::json{{"padding", 1}, {"value", 0.0}});
    }
  }
  SECTION("pools: ceil_mode kept where it changes the size, count_include_pad from a folded Pad") {
    const Network network = import_onnx(kFixtures + "pool_variants.onnx").network;
    CHECK(kinds_with(network, "pad").empty());
    const std::vector<nlohmann::json> max = kinds_with(network, "max_pool"), avg = kinds_with(network, "avg_pool");
    REQUIRE(max.size() == 2);
    REQUIRE(avg.size() == 4);
    CHECK(max[0] == nlohmann::json{{"kernel", 3}, {"stride", 2}, {"ceil_mode", true}});
    CHECK(max[1] == nlohmann::json{{"kernel", 3}, {"stride", 2}, {"padding", 1}});
    CHECK(avg[0] == nlohmann::json{{"kernel", 3}, {"stride", 2}, {"padding", 1}, {"ceil_mode", true}});
    CHECK(avg[1] == nlohmann::json{{"kernel", 3}, {"stride", 2}, {"padding", 1}, {"count_include_pad", true}});
    CHECK(avg[2] == nlohmann::json{{"kernel", nlohmann::json::array({2, 3})}, {"stride", nlohmann::json::array({2, 1})}});
    CHECK(avg[3] == nlohmann::json{{"kernel", 3}, {"stride", 2}, {"padding", 1}, {"ceil_mode", true},
                                   {"count_include_pad", true}});
    CHECK(count_kind(network, "concat") == 1);
  }
  SECTION("Clip: ReLU6 and general bounds, from attributes (opset 9) and inputs (opset 13)") {
    for (const std::string name : {"concat_clip_opset9", "concat_clip_opset13", "mobilenet_blocks_opset13"}) {
      INFO(name);
      const Network network = import_onnx(kFixtures + name + ".onnx").network;
      std::vector<std::string> bounds;
      for (std::size_t site : clip_sites(network)) bounds.push_back(bounds_string(activation_at(network, site).bounds()));
      if (name == "mobilenet_blocks_opset13") {
        CHECK(bounds == std::vector<std::string>(5, "[0, 6]"));
        continue;
      }
      // relu(b1); relu6(b2), which exports as Relu then Clip(max 6) at opset 9 and Clip(0, 6) at 13;
      // hardtanh(-1, 2); clamp(min=-0.5); relu(h1); clamp(0.25, 3).
      const std::string relu6 = name == "concat_clip_opset9" ? "(-inf, 6]" : "[0, 6]";
      CHECK(bounds == std::vector<std::string>{"[0, inf)", "[0, inf)", relu6, "[-1, 2]", "[-0.5, inf)", "[0, inf)",
                                               "[0.25, 3]"});
      CHECK(count_kind(network, "concat") == 2);
    }
  }
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

TEST_CASE("a weight read by several nodes, directly and through an Identity, reaches every layer", "[onnx]") {
  // x (N, 3) -> MatMul W -> Relu -> MatMul Identity(W) -> Relu -> MatMul W: the import frees a
  // constant's values after its last read, so each of the three layers must still get all of W.
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("shared");
  const auto value_info = [](onnx::ValueInfoProto& v, const std::string& name) {
    v.set_name(name);
    onnx::TypeProto::Tensor& type = *v.mutable_type()->mutable_tensor_type();
    type.set_elem_type(onnx::TensorProto::FLOAT);
    type.mutable_shape()->add_dim()->set_dim_param("N");
    type.mutable_shape()->add_dim()->set_dim_value(3);
  };
  value_info(*graph.add_input(), "x");
  value_info(*graph.add_output(), "y");
  onnx::TensorProto& w = *graph.add_initializer();
  w.set_name("W");
  w.set_data_type(onnx::TensorProto::FLOAT);
  w.add_dims(3);
  w.add_dims(3);
  for (int i = 1; i <= 9; ++i) w.add_float_data(0.1f * static_cast<float>(i));
  const auto node = [&](const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    onnx::NodeProto& n = *graph.add_node();
    n.set_op_type(op);
    n.set_name(output);
    for (const std::string& i : inputs) n.add_input(i);
    n.add_output(output);
  };
  node("MatMul", {"x", "W"}, "a");
  node("Relu", {"a"}, "r");
  node("Identity", {"W"}, "W2");
  node("MatMul", {"r", "W2"}, "b");
  node("Relu", {"b"}, "s");
  node("MatMul", {"s", "W"}, "y");
  const std::string path = temp_path("shared_weight.onnx");
  {
    std::ofstream out(path, std::ios::binary);
    REQUIRE(model.SerializeToOstream(&out));
  }
  const Network network = import_onnx(path).network;
  std::filesystem::remove(path);
  REQUIRE(layer_names(network) == std::vector<std::string>{"a", "r", "b", "s", "y"});
  const Tensor& first = network.layer(0).parameter("weight").value;
  for (int out = 0; out < 3; ++out)
    for (int in = 0; in < 3; ++in) CHECK(first[out * 3 + in] == w.float_data(in * 3 + out));  // W^T
  CHECK(same_bits(network.layer(2).parameter("weight").value, first));
  CHECK(same_bits(network.layer(4).parameter("weight").value, first));
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

TEST_CASE("every new layer form survives ONNX export and import bit for bit", "[onnx]") {
  Network network = new_layers_network();
  const std::string path = temp_path("new_layers.onnx");
  export_onnx(network, nlohmann::json::object(), path);
  CHECK_NOTHROW(onnx::checker::check_model(path));
  Network imported = import_onnx(path).network;
  REQUIRE(imported.size() == network.size());
  for (std::size_t i = 0; i < network.size(); ++i) {
    const Layer& a = imported.layer(i);
    const Layer& b = network.layer(i);
    INFO(b.name());
    CHECK(a.name() == b.name());
    CHECK(a.kind() == b.kind());
    CHECK(a.attributes() == b.attributes());
    CHECK(imported.node(i).inputs == network.node(i).inputs);
    REQUIRE(a.parameters().size() == b.parameters().size());
    for (std::size_t p = 0; p < a.parameters().size(); ++p) {
      CHECK(same_bits(a.parameters()[p].value, b.parameters()[p].value));
    }
  }
  const Tensor images = random_images(5, 18);
  for (const ExecutionOptions& options : {ExecutionOptions{}, kArrayOrder}) {
    CHECK(same_bits(imported.forward(images, options), network.forward(images, options)));
  }
  std::filesystem::remove(path);
}

TEST_CASE("a zero Pad before a Conv is folded into its padding, with the same bits", "[onnx]") {
  Network network("pad-conv", {1, 28, 28});
  network.add(std::make_unique<Pad>("pad", Padding2d{0, 2, 1, 0}));
  auto conv = std::make_unique<Conv2d>("conv", 1, 4, ConvWindow{{3, 3}, {2, 2}, {1, 1}, {1, 0, 0, 1}, 1});
  Rng rng(9);
  for (float& v : conv->parameter("weight").value.values()) v = rng.normal();
  network.add(std::move(conv));
  network.add(std::make_unique<Flatten>("flatten"));
  network.add(std::make_unique<Dense>("fc", 4 * 14 * 15, 10));
  const std::string path = temp_path("pad_conv.onnx");
  export_onnx(network, nlohmann::json::object(), path);
  Network imported = import_onnx(path).network;
  CHECK(layer_names(imported) == std::vector<std::string>{"conv", "flatten", "fc"});
  CHECK(imported.layer(0).attributes().at("padding") == nlohmann::json::array({1, 2, 1, 1}));
  const Tensor images = random_images(3, 19);
  for (const ExecutionOptions& options : {ExecutionOptions{}, kArrayOrder}) {
    CHECK(same_bits(imported.forward(images, options), network.forward(images, options)));
  }
  std::filesystem::remove(path);
}

TEST_CASE("the compiler maps every new layer form and refuses what it cannot, naming layer and kind",
          "[onnx][errors]") {
  const AcceleratorConfig config;
  Network network = new_layers_network();
  Deployment mapped(network, Format::fp32);
  const Program program = compile_program(mapped, config, 2);
  std::vector<std::string> ops;
  for (const LayerDescriptor& d : program.layers) ops.push_back(layer_op_name(d.op));
  // relu6 and clip_low fuse into their convs; a concat takes one descriptor per input.
  CHECK(ops == std::vector<std::string>{"conv", "conv", "conv", "concat", "concat", "activation", "pad", "pad",
                                        "max_pool", "avg_pool", "conv", "dense", "dense", "concat", "concat", "dense"});

  const auto refusal = [&](Network refused) {
    Deployment deployment(refused, Format::fp32);
    const std::string message = error_of([&] { compile_program(deployment, config, 1); });
    CHECK(message.find('\n') == std::string::npos);
    return message;
  };
  // Batch norms no conv absorbs (one whose conv output an add also reads, one after an add) run
  // in the activation unit.
  Deployment residual(import_onnx(kFixtures + "residual_opset13.onnx").network, Format::fp32);
  std::size_t batch_norms = 0;
  for (const LayerDescriptor& d : compile_program(residual, config, 2).layers) batch_norms += d.op == LayerOp::batch_norm;
  CHECK(batch_norms == 2);
  Network smooth = new_layers_network();
  for (std::size_t i = 0; i < smooth.size(); ++i)
    if (auto* activation = dynamic_cast<Activation*>(&smooth.layer(i))) activation->set_clipping(ClipForm::smooth, Tensor({1}, 1.0f));
  CHECK_THAT(refusal(std::move(smooth)), Contains("the clip unit is a comparator (hard or saturate form)"));
}

TEST_CASE("what the importer cannot read is refused with one line", "[onnx][errors]") {
  const auto refusal = [](const std::string& path) {
    const std::string message = error_of([&] { import_onnx(path); });
    CHECK(message.find('\n') == std::string::npos);
    CHECK_THAT(message, Contains(path));
    return message;
  };
  SECTION("an unsupported operator, before any node is translated (the dilated pool before it is not reached)") {
    CHECK_THAT(refusal(kFixtures + "refuse_sigmoid.onnx"),
               Contains("node '/Sigmoid' (Sigmoid, opset 13): operator Sigmoid is not supported") &&
                   Contains("supported: Add, AveragePool, BatchNormalization, Cast, Clip, Concat"));
  }
  SECTION("an attribute the layer cannot express") {
    CHECK_THAT(refusal(kFixtures + "refuse_dilated_max_pool.onnx"),
               Contains("node '/MaxPool' (MaxPool, opset 13): attribute dilations=[2, 2] is not supported (pools "
                        "without dilation only)"));
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
  // The fixture with one attribute (protobuf text format) of its first `op` node replaced.
  // Text because AttributeProto values built inside this table expression came out wrong (the
  // first took the ints of a later one) when compiled by GCC 12.2 with -march=native, and right
  // without it or under ASan/UBSan: not understood, so avoided.
  const auto [fixture, op, text, expected] = GENERATE(table<std::string, std::string, std::string, std::string>(
      {{"conv_bn_pool", "Conv", "name: 'pads' type: INTS ints: [1, 1, 0]",
        "attribute pads=[1, 1, 0] is not supported (2-D windows take 4 pads)"},
       {"conv_bn_pool", "Conv", "name: 'dilations' type: INTS ints: [0, 1]",
        "attribute dilations=[0, 1] is not supported (not a dilation)"},
       {"conv_bn_pool", "Conv", "name: 'kernel_shape' type: INTS ints: [3, 1]",
        "weight 'conv1.weight' has shape (6, 2, 3, 3), kernel_shape says 3x1"},
       {"conv_bn_pool", "Conv", "name: 'auto_pad' type: STRING s: 'SAME'",
        "attribute auto_pad=SAME is not supported (expected NOTSET, VALID, SAME_UPPER or SAME_LOWER)"},
       {"conv_bn_pool", "Conv", "name: 'auto_pad' type: STRING s: 'SAME_UPPER'",
        "attribute pads=[1, 1, 1, 1] is not supported (pads cannot be given with auto_pad=SAME_UPPER)"},
       {"conv_bn_pool", "Conv", "name: 'group' type: INT i: 4",
        "attribute group=4 is not supported (it must divide the input's 2 channels and the weight's 6 filters)"},
       {"conv_bn_pool", "Conv", "name: 'strides' type: INT i: 2", "attribute 'strides' is of type INT, expected INTS"},
       {"conv_bn_pool", "MaxPool", "name: 'strides' type: INTS ints: [0, 0]",
        "attribute strides=[0, 0] is not supported (not a stride)"},
       {"conv_bn_pool", "MaxPool", "name: 'pads' type: INTS ints: [2, 0, 2, 0]",
        "layer 'MaxPool': pool padding [2, 0, 2, 0] must be in [0, kernel) on every side (kernel 2x2)"},
       {"conv_bn_pool", "Flatten", "name: 'axis' type: INT i: 2", "attribute axis=2 is not supported"},
       {"conv_bn_pool", "Gemm", "name: 'transA' type: INT i: 1", "attribute transA=1 is not supported"},
       {"conv_variants_opset9", "Pad", "name: 'mode' type: STRING s: 'reflect'",
        "attribute mode=reflect is not supported (constant padding only)"},
       {"conv_variants_opset9", "Pad", "name: 'pads' type: INTS ints: [0, 1, 0, 0, 0, 0, 0, 0]",
        "pads [0, 1, 0, 0, 0, 0, 0, 0]: only the H and W axes of (N, C, H, W) can be padded"},
       {"concat_clip_opset9", "Concat", "name: 'axis' type: INT i: 2",
        "attribute axis=2 is not supported (only the channel axis (1 or -3 for rank 4))"},
       {"concat_clip_opset9", "Clip", "name: 'min' type: FLOAT f: 7", "clamps to [7, 6]; min must not exceed max"},
       // F.pad's pads as PyTorch computes them from opset 11 on, folded at import
       {"conv_variants_opset11", "Transpose", "name: 'perm' type: INTS ints: [0, 0]",
        "attribute perm=[0, 0] is not supported (a permutation of the input's axes)"},
       {"conv_variants_opset11", "Cast", "name: 'to' type: INT i: 1",
        "attribute to=1 is not supported (only a cast of int64 constants to int64 (shape arithmetic))"},
       {"conv_variants_opset11", "ConstantOfShape", "name: 'value' type: TENSOR t { dims: 1 data_type: 1 float_data: 0 }",
        "attribute value holds FLOAT; only an int64 value is folded (shape arithmetic)"}}));
  onnx::AttributeProto attribute;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &attribute));
  INFO(fixture << " " << op << " " << attribute.name());
  onnx::ModelProto model;
  std::ifstream in(kFixtures + fixture + ".onnx", std::ios::binary);
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
  const std::string opset = std::to_string(model.opset_import(0).version());
  CHECK_THAT(message, Contains("node '" + node.name() + "' (" + op + ", opset " + opset + "): " + expected));
  CHECK(message.find('\n') == std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("shape arithmetic is folded only on constants, and only small", "[onnx][errors]") {
  // conv_variants_opset11 computes each F.pad's pads from constants (the fixture test imports it).
  onnx::ModelProto model;
  std::ifstream in(kFixtures + "conv_variants_opset11.onnx", std::ios::binary);
  REQUIRE(model.ParseFromIstream(&in));
  const auto first = [&](const std::string& op) -> onnx::NodeProto& {
    return *std::find_if(model.mutable_graph()->mutable_node()->begin(), model.mutable_graph()->mutable_node()->end(),
                         [&](const onnx::NodeProto& n) { return n.op_type() == op; });
  };
  const auto refusal = [&] {
    const std::string path = temp_path("folding.onnx");
    {
      std::ofstream out(path, std::ios::binary);
      REQUIRE(model.SerializeToOstream(&out));
    }
    const std::string message = error_of([&] { import_onnx(path); });
    std::filesystem::remove(path);
    CHECK(message.find('\n') == std::string::npos);
    return message;
  };
  SECTION("a Slice of a computed tensor") {
    onnx::NodeProto& slice = first("Slice");
    slice.set_input(0, model.graph().input(0).name());
    CHECK_THAT(refusal(), Contains("node '" + slice.name() + "' (Slice, opset 11): input '" +
                                   model.graph().input(0).name() + "' is computed from the graph input"));
  }
  SECTION("a ConstantOfShape of more values than shape arithmetic needs") {
    onnx::TensorProto& shape = *first("Constant").mutable_attribute(0)->mutable_t();
    shape.clear_raw_data();
    shape.add_int64_data(100000);
    CHECK_THAT(refusal(), Contains("(ConstantOfShape, opset 11): would fold to a tensor of shape [100000]; shape "
                                   "arithmetic up to 65536 values is folded"));
  }
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

TEST_CASE("eval, thresholds and proact-paper campaigns run an imported MobileNet-style network", "[cli][onnx]") {
  // Depthwise convs and ReLU6 (Clip) on Fashion-MNIST's (1, 28, 28) input.
  const std::string model = kFixtures + "mobilenet_blocks_opset13.onnx";
  const auto eval = run_cli("eval --model " + model + " --limit 100 --json");
  REQUIRE(eval.exit_code == 0);
  CHECK(nlohmann::json::parse(eval.output).at("images") == 100);

  const std::string thresholds = temp_path("mobilenet_ranger.json");
  const auto made = run_cli("thresholds --model " + model + " --method ranger --calib 100 --validation-limit 100 "
                            "--json --out " + thresholds);
  REQUIRE(made.exit_code == 0);
  CHECK(load_threshold_file(thresholds).layers.size() == 5);  // the five Clip(0, 6) nodes

  const std::string dir = temp_path("mobilenet_campaign");
  std::filesystem::remove_all(dir);
  const auto campaign = run_cli("campaign --model " + model + " --limit 64 --maps 2 --seed 5 --thresholds none "
                                "--thresholds " + thresholds + " --fault-model proact-paper --rates 1e-5,1e-3 --out " +
                                dir + " --json");
  REQUIRE(campaign.exit_code == 0);
  const auto report = nlohmann::json::parse(campaign.output);
  CHECK(report.at("finished") == true);
  CHECK(report.at("maps_run") == 8);

  // On the accelerator: depthwise convs one GEMM per channel, ReLU6 in the clip unit; both engines
  // give the same accuracy and cycles.
  nlohmann::json simulated[2];
  for (int e = 0; e < 2; ++e) {
    const auto run = run_cli("simulate --model " + model + " --engine " + (e ? "systemc" : "functional") +
                             " --limit 20 --batch 10 --thresholds " + thresholds + " --json");
    REQUIRE(run.exit_code == 0);
    simulated[e] = nlohmann::json::parse(run.output);
  }
  CHECK(simulated[0].at("accuracy") == simulated[1].at("accuracy"));
  CHECK(simulated[0].at("layers") == simulated[1].at("layers"));
  std::filesystem::remove(thresholds);
  std::filesystem::remove_all(dir);
}
