#include "sw/scalesim/model_topology.hpp"

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
         dynamic_cast<const Add*>(&layer) || dynamic_cast<const Flatten*>(&layer) ||
         dynamic_cast<const Concat*>(&layer) || dynamic_cast<const Pad*>(&layer);
}

// A grouped (depthwise) or dilated conv has no row here yet: SCALE-Sim's depthwise rows ("DP")
// and dilated windows are a later mapping. Rectangular kernels and strides map as they are.
void check_plain_conv(const Conv2d& conv) {
  const ConvWindow& w = conv.window();
  if (w.groups != 1 || w.dilation != Size2d{}) {
    refuse(conv, window_string(w) + " has no SCALE-Sim topology row yet (groups and dilation 1 only)");
  }
}

ConvRow conv_row(const Conv2d& conv, const Shape& input) {
  check_plain_conv(conv);
  const ConvGeometry g = conv.geometry(input);
  const ConvWindow& w = g.window;
  ConvRow row;
  row.name = scalesim_name(conv.name());
  // The padded input less the edge rows and columns no window reads, so SCALE-Sim's
  // (ifmap - filter) / stride + 1 gives the network's output size.
  row.ifmap_height = static_cast<long>(g.out_height() - 1) * w.stride.height + w.kernel.height;
  row.ifmap_width = static_cast<long>(g.out_width() - 1) * w.stride.width + w.kernel.width;
  row.filter_height = w.kernel.height;
  row.filter_width = w.kernel.width;
  row.channels = g.in_channels;
  row.num_filters = g.out_channels;
  row.stride_height = w.stride.height;
  row.stride_width = w.stride.width;
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
