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

// The rows of a conv: one for one group; for a grouped conv of one input channel per group
// (depthwise, any multiplier) one SCALE-Sim depthwise row "<name>_DP" of `groups` channels and the
// filters of one group; otherwise one row per group, "<name>_g<i>", each of one group's channels
// and filters. Either way SCALE-Sim runs what the array runs: one GEMM per group.
// A dilated window spans more of the input than its kernel but multiplies kernel-many taps: the
// row keeps the kernel, and its ifmap is sized for the network's output extent, so the GEMM is the
// layer's.
void add_conv_rows(const Conv2d& conv, const Shape& input, std::vector<ConvRow>& rows) {
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
  row.channels = g.group_in_channels();
  row.num_filters = g.group_out_channels();
  row.stride_height = w.stride.height;
  row.stride_width = w.stride.width;
  if (w.groups == 1) {
    rows.push_back(row);
  } else if (g.group_in_channels() == 1) {
    row.name += "_DP";
    row.channels = w.groups;
    row.depthwise = true;
    rows.push_back(row);
  } else {
    const std::string name = row.name;
    for (int group = 0; group < w.groups; ++group) {
      row.name = name + "_g" + std::to_string(group);
      rows.push_back(row);
    }
  }
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
      add_conv_rows(*conv, inputs.at(0), rows);
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
  for (const ConvRow& row : rows) {
    const std::vector<TopologyLayer> split = row.layers();
    layers.insert(layers.end(), split.begin(), split.end());
  }
  return layers;
}

}  // namespace proact
