// A model's SCALE-Sim topology (sw/scalesim/model_topology.hpp) and its file (format_topology):
// the rows are the network's shapes and the compiler's GEMMs, the file reads back to the same
// layers, and what SCALE-Sim would misread is refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "models/net/architectures.hpp"
#include "models/net/deployment.hpp"
#include "models/net/gemm_layers.hpp"
#include "sw/compiler/program.hpp"
#include "sw/scalesim/config.hpp"
#include "sw/scalesim/model_topology.hpp"

using Catch::Matchers::Contains;
using namespace proact;

namespace {

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<TopologyLayer> parsed(const std::string& text) {
  std::istringstream in(text);
  return parse_topology(in, "model.csv");
}

// A layer kind the mapping has never heard of.
class Mystery : public Layer {
 public:
  using Layer::Layer;
  std::string kind() const override { return "mystery"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override { return inputs.at(0); }
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) override {
    output = *inputs[0];
  }
  void backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor&, const std::vector<Tensor*>&) override {}
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Mystery>(*this); }
};

const std::string kHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

}  // namespace

TEST_CASE("lenet5's topology rows are what its shapes say", "[scalesim][topology]") {
  const std::vector<ConvRow> rows = model_topology(build_network("lenet5", 0), {1, 28, 28});
  // conv1: 1x28x28, 5x5, padding 2 -> 6x28x28: the padded 32x32 input; conv2: 6x14x14, 5x5 ->
  // 16x10x10; the dense layers as SCALE-Sim's 1x1 fully connected rows.
  CHECK(format_topology(rows) == kHeader +
                                     "conv1, 32, 32, 5, 5, 1, 6, 1,\n"
                                     "conv2, 14, 14, 5, 5, 6, 16, 1,\n"
                                     "fc1, 1, 1, 1, 1, 400, 120, 1,\n"
                                     "fc2, 1, 1, 1, 1, 120, 84, 1,\n"
                                     "fc3, 1, 1, 1, 1, 84, 10, 1,\n");
  const long gemm[5][3] = {{28 * 28, 6, 25}, {10 * 10, 16, 150}, {1, 120, 400}, {1, 84, 120}, {1, 10, 84}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO(rows[i].name);
    CHECK(rows[i].gemm().m == gemm[i][0]);
    CHECK(rows[i].gemm().n == gemm[i][1]);
    CHECK(rows[i].gemm().k == gemm[i][2]);
  }
  // The header is SCALE-Sim's own, as in its alexnet.csv.
  CHECK(text_of("examples/scalesim/alexnet.csv").substr(0, kHeader.size()) == kHeader);
}

TEST_CASE("every zoo model's rows are the GEMMs the compiler maps onto the array for one image", "[scalesim][topology]") {
  for (const std::string& name : architecture_names()) {
    INFO(name);
    const Network network = build_network(name, 0);
    const std::vector<ConvRow> rows = model_topology(network, network.input_shape());
    Deployment deployment(network, Format::fp32);
    const Program program = compile_program(deployment, preset("default"), 1);
    std::size_t row = 0;
    for (std::size_t i = 0; i < program.layers.size(); ++i) {
      const LayerDescriptor& d = program.layers[i];
      if (!is_gemm(d.op)) continue;
      REQUIRE(row < rows.size());
      INFO(program.layer_names[i]);
      CHECK(rows[row].name == program.layer_names[i].substr(0, program.layer_names[i].find('+')));  // "conv1+pool1": conv1
      CHECK(rows[row].gemm().m == d.gemm_m());
      CHECK(rows[row].gemm().n == d.gemm_n());
      CHECK(rows[row].gemm().k == d.gemm_k());
      ++row;
    }
    CHECK(row == rows.size());
    // The file reads back to the same layers.
    const std::vector<TopologyLayer> back = parsed(format_topology(rows));
    REQUIRE(back.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(back[i].name == rows[i].name);
      CHECK(back[i].shape.m == rows[i].gemm().m);
      CHECK(back[i].shape.n == rows[i].gemm().n);
      CHECK(back[i].shape.k == rows[i].gemm().k);
    }
    // What ships in examples/scalesim is what --topology-out writes.
    CHECK(text_of("examples/scalesim/" + name + ".csv") == format_topology(rows));
  }
}

TEST_CASE("where PyTorch's ofmap rule floors, the ifmap drops what no window reads", "[scalesim][topology]") {
  // a: 1x9x9, 3x3, stride 2, padding 1 -> 4x5x5, the padded 11x11 input exactly. b: 4x5x5, 2x2,
  // stride 2 -> 8x2x2 (floor(3 / 2) + 1), where SCALE-Sim's rule on the whole 5x5 input gives 3x3:
  // the row's ifmap is 4x4, the part the two windows read.
  Network network("strided", {1, 9, 9});
  network.add(std::make_unique<Conv2d>("a", 1, 4, 3, 2, 1));
  network.add(std::make_unique<Conv2d>("b", 4, 8, 2, 2, 0));
  const std::vector<ConvRow> rows = model_topology(network, network.input_shape());
  CHECK(rows[0].ifmap_height == 11);
  CHECK(rows[0].gemm().m == 25);
  CHECK(ofmap_extent(5, 2, 2) == 3);
  CHECK(rows[1].ifmap_height == 4);
  CHECK(rows[1].ifmap_width == 4);
  CHECK(rows[1].gemm().m == 4);
  // A column stride of its own is written as SCALE-Sim's optional ninth field.
  const ConvRow columns{"c", 10, 10, 3, 3, 2, 4, 1, 2};
  CHECK_THAT(format_topology({columns}), Contains("c, 10, 10, 3, 3, 2, 4, 1, 2,\n"));
  CHECK(parsed(format_topology({columns}))[0].shape.m == columns.gemm().m);
}

TEST_CASE("another input shape: the rows for it, or one line naming the layer that refuses it",
          "[scalesim][topology]") {
  const Network resnet = build_network("resnet-small", 0);
  const std::vector<ConvRow> wide = model_topology(resnet, {1, 32, 32});
  CHECK(wide.front().ifmap_height == 34);
  CHECK(wide.front().gemm().m == 32 * 32);
  CHECK(wide.back().gemm().k == 64);  // global average pooling: the classifier does not change
  CHECK_THROWS_WITH(model_topology(build_network("vgg-small", 0), {1, 32, 32}),
                    Contains("input shape (1, 32, 32): layer 'fc1'"));
  CHECK_THROWS_WITH(model_topology(resnet, {3, 28, 28}), Contains("input shape (3, 28, 28): layer 'conv1'"));
}

TEST_CASE("grouped, depthwise and dilated convs: SCALE-Sim runs the GEMMs the array runs, one per group",
          "[scalesim][topology]") {
  // ConvWindow {kernel, stride, dilation, padding [top, left, bottom, right], groups}
  Network network("grouped", {4, 12, 12});
  network.add(std::make_unique<Conv2d>("dw", 4, 8, ConvWindow{{3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, 4}));  // 8x6x6
  network.add(std::make_unique<Conv2d>("grouped", 8, 6, ConvWindow{{3, 1}, {1, 1}, {1, 1}, {1, 0, 1, 0}, 2}));
  network.add(std::make_unique<Conv2d>("dilated", 6, 5, ConvWindow{{3, 3}, {1, 1}, {2, 2}, {0, 0, 0, 0}, 1}));
  const std::vector<ConvRow> rows = model_topology(network, network.input_shape());
  CHECK(format_topology(rows) == kHeader + "dw_DP, 13, 13, 3, 3, 4, 2, 2,\n"
                                           "grouped_g0, 8, 6, 3, 1, 4, 3, 1,\n"
                                           "grouped_g1, 8, 6, 3, 1, 4, 3, 1,\n"
                                           "dilated, 4, 4, 3, 3, 6, 5, 1,\n");
  // Per group (SCALE-Sim's split of the depthwise row into one layer per channel included), the
  // GEMMs of the compiled descriptors; the file reads back to the same layers.
  Deployment deployment(network, Format::fp32);
  const Program program = compile_program(deployment, preset("default"), 1);
  std::vector<GemmShape> mapped;
  for (const LayerDescriptor& d : program.layers)
    for (long g = 0; g < d.gemm_groups(); ++g) mapped.push_back({d.gemm_m(), d.gemm_n(), d.gemm_k()});
  const std::vector<TopologyLayer> layers = topology_layers(rows), back = parsed(format_topology(rows));
  REQUIRE(layers.size() == mapped.size());
  REQUIRE(back.size() == mapped.size());
  for (std::size_t i = 0; i < mapped.size(); ++i) {
    INFO(layers[i].name);
    CHECK(back[i].name == layers[i].name);
    for (const GemmShape& shape : {layers[i].shape, back[i].shape}) {
      CHECK(shape.m == mapped[i].m);
      CHECK(shape.n == mapped[i].n);
      CHECK(shape.k == mapped[i].k);
    }
  }
  CHECK(layers[3].name == "dw_DPChannel_3");  // SCALE-Sim's name for the fourth channel's layer
}

TEST_CASE("the shipped torchvision topologies hold their networks' published MAC counts", "[scalesim][topology]") {
  // scripts/torchvision-topologies.sh wrote them (PyTorch's exports through --topology-out); the
  // multiply-accumulates per 224x224 (CIFAR: 32x32) image are the figures the networks are known
  // by: ResNet-18 1.81 G, ResNet-50 4.09 G, MobileNetV2 300.8 M (its depthwise rows split per
  // channel), VGG-16 on CIFAR 313.2 M.
  const auto [name, layers, macs] = GENERATE(table<std::string, std::size_t, long>(
      {{"resnet18", 21, 1814073344L}, {"resnet50", 54, 4089184256L}, {"mobilenet_v2", 7172, 300774272L},
       {"vgg16_bn_cifar", 14, 313201664L}}));
  INFO(name);
  const std::vector<TopologyLayer> read = read_topology("examples/scalesim/" + name + ".csv");
  long sum = 0;
  for (const TopologyLayer& layer : read) sum += layer.shape.macs();
  CHECK(read.size() == layers);
  CHECK(sum == macs);
}

TEST_CASE("layers and names SCALE-Sim cannot take are refused, naming them", "[scalesim][topology]") {
  Network mystery("mystery", {4});
  mystery.add(std::make_unique<Mystery>("m1"));
  CHECK_THROWS_WITH(model_topology(mystery, mystery.input_shape()),
                    Contains("layer 'm1' (mystery): a layer kind the SCALE-Sim topology does not know yet"));

  Network dp("dp", {4});
  dp.add(std::make_unique<Dense>("fcDP1", 4, 2));
  CHECK(model_topology(dp, dp.input_shape()).at(0).name == "fcDp1");
  CHECK_THROWS_WITH(format_topology({ConvRow{"convDP"}}), Contains("'convDP'") && Contains("one layer per channel"));
  ConvRow unmarked{"dw"};
  unmarked.depthwise = true;
  CHECK_THROWS_WITH(format_topology({unmarked}), Contains("'dw'") && Contains("must hold 'DP'"));
  CHECK_THROWS_WITH(format_topology({ConvRow{"a,b"}}), Contains("'a,b'") && Contains("comma"));
  CHECK_THROWS_WITH(format_topology({ConvRow{"big", 4, 4, 5, 5}}), Contains("'big'") && Contains("larger than the ifmap"));
}

TEST_CASE("preset scalesim-32x32 is SCALE-Sim's configs/scale.cfg", "[scalesim][topology]") {
  const ScaleSimConfig file = read_scalesim_config("examples/scalesim/scale.cfg");
  const ScaleSimConfig from_preset = scalesim_config(preset("scalesim-32x32"), "scalesim-32x32");
  CHECK(from_preset.describe() == file.describe());
  CHECK(scalesim_config(preset("default"), "default").describe() == "32x32 ws, SRAM 256/256/256 kB, CALC");
  CHECK(scalesim_config(preset("edge-8x8"), "edge-8x8").describe() == "8x8 ws, SRAM 16/16/16 kB, CALC");
}
