#pragma once
// One translation per supported ONNX operator: it reads one node through the GraphBuilder,
// appends the layers the node maps onto (none for Identity, Dropout, Constant, or a Flatten of
// what is flat already) and defines the node's outputs. Anything a layer cannot express is
// refused, naming the attribute or input. A new operator is one function and one row of the
// table in operators.cpp. Internal to models/onnx.
#include <map>
#include <string>

#include "models/onnx/graph_builder.hpp"
#include "models/onnx/node_reader.hpp"

namespace proact {

using Translation = void (*)(const NodeReader& node, GraphBuilder& graph);

// Op type (default ONNX domain, opsets 9 to 17) -> its translation.
const std::map<std::string, Translation>& operator_translations();

}  // namespace proact
