#include "models/onnx/import.hpp"

#include <climits>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "models/net/deployment.hpp"
#include "models/onnx/graph_builder.hpp"
#include "models/onnx/node_reader.hpp"
#include "models/onnx/operators.hpp"
#include "models/onnx/proto_io.hpp"

namespace proact {

namespace {

constexpr int kFirstOpset = 9, kLastOpset = 17;

[[noreturn]] void refuse(const std::string& path, const std::string& problem) {
  throw std::runtime_error(one_line(path + ": " + problem));
}

// The version of the default (ai.onnx) operator set the model imports.
int default_opset(const std::string& path, const onnx::ModelProto& model) {
  for (const onnx::OperatorSetIdProto& id : model.opset_import()) {
    if (id.domain().empty() || id.domain() == "ai.onnx") {
      if (id.version() < kFirstOpset || id.version() > kLastOpset) {
        refuse(path, "opset " + std::to_string(id.version()) + " is not supported (this build imports opsets " +
                         std::to_string(kFirstOpset) + " to " + std::to_string(kLastOpset) + ")");
      }
      return static_cast<int>(id.version());
    }
  }
  refuse(path, "imports no operator set of the default ONNX domain");
}

// Every node's operator has a translation: refused up front, before any is translated.
void check_operators(const std::string& path, int opset, const onnx::GraphProto& graph) {
  const std::map<std::string, Translation>& table = operator_translations();
  for (const onnx::NodeProto& node : graph.node()) {
    const bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (default_domain && table.count(node.op_type())) continue;
    std::string supported;
    for (const auto& entry : table) supported += (supported.empty() ? "" : ", ") + entry.first;
    NodeReader(node, path, opset)
        .refuse("operator " + (default_domain ? "" : node.domain() + ":") + node.op_type() +
                " is not supported (supported: " + supported + ")");
  }
}

struct GraphInput {
  std::string name;
  Shape shape;  // per sample
};

// The one graph input that is not an initializer: float, (batch, fixed dims...).
GraphInput graph_input(const std::string& path, const onnx::GraphProto& graph) {
  std::set<std::string> initializers;
  for (const onnx::TensorProto& t : graph.initializer()) initializers.insert(t.name());
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const onnx::ValueInfoProto& v : graph.input())
    if (!initializers.count(v.name())) inputs.push_back(&v);
  if (inputs.size() != 1) {
    std::string names;
    for (const onnx::ValueInfoProto* v : inputs) names += (names.empty() ? "" : ", ") + v->name();
    refuse(path, "has " + std::to_string(inputs.size()) + " graph inputs besides its initializers (" + names +
                     "); this build feeds exactly one");
  }
  const onnx::ValueInfoProto& input = *inputs.front();
  const onnx::TypeProto::Tensor& type = input.type().tensor_type();
  if (type.elem_type() != onnx::TensorProto::FLOAT) refuse(path, "graph input '" + input.name() + "' is not float32");
  if (!type.has_shape() || type.shape().dim_size() < 2) {
    refuse(path, "graph input '" + input.name() + "' needs a shape (batch, ...) of rank 2 or more");
  }
  GraphInput result{input.name(), {}};
  for (int i = 1; i < type.shape().dim_size(); ++i) {
    const onnx::TensorShapeProto::Dimension& d = type.shape().dim(i);
    if (!d.has_dim_value() || d.dim_value() <= 0 || d.dim_value() > INT_MAX) {
      refuse(path, "graph input '" + input.name() + "' has a variable dimension " + std::to_string(i) +
                       (d.has_dim_param() ? " ('" + d.dim_param() + "')" : "") + "; only the batch axis may vary");
    }
    result.shape.push_back(static_cast<int>(d.dim_value()));
  }
  return result;
}

// The one graph output must be the last layer's output, (batch, classes).
void check_output(const std::string& path, const onnx::GraphProto& graph, const GraphBuilder& builder,
                  const Network& network) {
  if (graph.output_size() != 1) {
    refuse(path, "has " + std::to_string(graph.output_size()) + " graph outputs; this build computes exactly one");
  }
  const std::string& name = graph.output(0).name();
  const Value* output = builder.find_value(name);
  if (!output || output->node == Network::kInput) refuse(path, "graph output '" + name + "' is not computed by any node");
  if (output->node != static_cast<int>(network.size()) - 1) {
    refuse(path, "graph output '" + name + "' is computed by layer '" + network.layer(output->node).name() +
                     "', not by the last one ('" + network.layer(network.size() - 1).name() +
                     "'); nodes whose results are not used are not supported");
  }
  if (output->shape.size() != 1) {
    refuse(path, "graph output '" + name + "' has per-sample shape " + shape_string(output->shape) +
                     "; expected (classes)");
  }
}

nlohmann::json stored_metadata(const std::string& path, const onnx::ModelProto& model) {
  for (const onnx::StringStringEntryProto& entry : model.metadata_props()) {
    if (entry.key() != kMetadataProperty) continue;
    const nlohmann::json metadata = nlohmann::json::parse(entry.value(), nullptr, false);
    if (!metadata.is_object()) refuse(path, std::string("metadata '") + kMetadataProperty + "' is not a JSON object");
    return metadata;
  }
  return nlohmann::json::object();
}

}  // namespace

Checkpoint import_onnx(const std::string& path, Weights weights) {
  onnx::ModelProto model;
  read_message(path, model, "an ONNX model");
  if (model.ir_version() <= 0 || !model.has_graph() || model.opset_import_size() == 0) {
    refuse(path, "not an ONNX model (no IR version, graph or opset_import)");
  }
  const int opset = default_opset(path, model);
  const onnx::GraphProto& graph = model.graph();
  check_operators(path, opset, graph);
  const GraphInput input = graph_input(path, graph);
  GraphBuilder builder(*model.mutable_graph(), input.name, Network(std::filesystem::path(path).stem().string(), input.shape),
                       weights);
  for (const onnx::NodeProto& node : graph.node()) {
    if (builder.consumed(node)) continue;
    operator_translations().at(node.op_type())(NodeReader(node, path, opset), builder);
  }
  Network network = builder.take_network();
  check_output(path, graph, builder, network);
  return {fold_batch_norm(std::move(network)), stored_metadata(path, model)};
}

}  // namespace proact
