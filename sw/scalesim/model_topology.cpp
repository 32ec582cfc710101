#include "sw/scalesim/model_topology.hpp"

#include <set>
#include <stdexcept>

#include "models/net/activation_layer.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"

namespace proact {

namespace {

[[noreturn]] void refuse(const Layer& layer, const std::string& why) {
  throw std::invalid_argument("layer '" + layer.name() + "' (" + layer.kind() + "): " + why);
}

std::string scalesim_name(std::string name) {
  for (std::size_t at; (at = name.find("DP")) != std::string::npos;) name[at + 1] = 'p';
  return name;
}

bool off_array(const Layer& layer) {
  return dynamic_cast<const Activation*>(&layer) || dynamic_cast<const BatchNorm*>(&layer) ||
         dynamic_cast<const Pool2d*>(&layer) || dynamic_cast<const GlobalAvgPool*>(&layer) ||
         dynamic_cast<const Add*>(&layer) || dynamic_cast<const Flatten*>(&layer);
}

// A conv whose attributes go beyond the plain square conv (e.g. groups, coming with depthwise
// convolutions) has no row here yet; an attribute equal to 1 (groups = 1, dilation = 1) is the plain conv.
void check_plain_conv(const Conv2d& conv) {
  static const std::set<std::string> plain = {"in_channels", "out_channels", "kernel", "stride", "padding"};
  const nlohmann::json attributes = conv.attributes();
  for (const auto& [key, value] : attributes.items()) {
    if (!plain.count(key) && value != 1) {
      refuse(conv, "attribute " + key + "=" + value.dump() + " has no SCALE-Sim topology row yet (only plain convolutions)");
    }
  }
}

ConvRow conv_row(const Conv2d& conv, const Shape& input) {
  check_plain_conv(conv);
  const ConvGeometry g = conv.geometry(input);
  ConvRow row;
  row.name = scalesim_name(conv.name());
  row.ifmap_height = static_cast<long>(g.out_height() - 1) * g.stride + g.kernel;
  row.ifmap_width = static_cast<long>(g.out_width() - 1) * g.stride + g.kernel;
  row.filter_height = row.filter_width = g.kernel;
  row.channels = g.in_channels;
  row.num_filters = g.out_channels;
  row.stride_height = row.stride_width = g.stride;
  return row;
}

ConvRow dense_row(const Dense& dense) {
  ConvRow row;
  row.name = scalesim_name(dense.name());
  row.channels = dense.patch_size();
  row.num_filters = dense.out_channels();
  return row;
}

}  // namespace

std::vector<ConvRow> model_topology(const Network& network, const Shape& input_shape) {
  std::vector<Shape> outputs(network.size());
  const auto shape_of = [&](int i) -> const Shape& { return i == Network::kInput ? input_shape : outputs.at(i); };
  std::vector<ConvRow> rows;
  for (std::size_t i = 0; i < network.size(); ++i) {
    const Node& node = network.node(i);
    const Layer& layer = *node.layer;
    std::vector<Shape> inputs;
    for (int source : node.inputs) inputs.push_back(shape_of(source));
    try {
      outputs[i] = layer.output_shape(inputs);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("input shape " + shape_string(input_shape) + ": " + e.what());
    }
    if (const auto* conv = dynamic_cast<const Conv2d*>(&layer)) {
      rows.push_back(conv_row(*conv, inputs.at(0)));
    } else if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
      rows.push_back(dense_row(*dense));
    } else if (dynamic_cast<const GemmLayer*>(&layer)) {
      refuse(layer, "an array layer with no SCALE-Sim topology row yet (only Conv2d and Dense)");
    } else if (!off_array(layer)) {
      refuse(layer, "a layer kind the SCALE-Sim topology does not know yet");
    }
  }
  return rows;
}

std::vector<TopologyLayer> topology_layers(const std::vector<ConvRow>& rows) {
  std::vector<TopologyLayer> layers;
  for (const ConvRow& row : rows) layers.push_back({row.name, row.gemm(), 0});
  return layers;
}

}  // namespace proact
