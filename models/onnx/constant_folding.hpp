#pragma once
// Shape arithmetic on constants, evaluated at import. PyTorch exports F.pad from opset 11 on with a
// subgraph that computes the Pad's pads from constants (ConstantOfShape, Concat, Reshape, Slice,
// Transpose, Cast); a node of these whose every input is a constant int64 tensor becomes a
// constant here, so the Pad reads constant pads. Internal to models/onnx.
#include "models/onnx/graph_builder.hpp"
#include "models/onnx/node_reader.hpp"

namespace proact {

// True when every input of `node` is a constant (absent optional inputs aside): Concat and
// Reshape then fold instead of adding a layer.
bool all_inputs_constant(const NodeReader& node, const GraphBuilder& graph);

// Evaluate `node` on its constant int64 inputs and define its output as the constant result.
// Refused (naming the node) when an input is computed from the graph input or not int64, or an
// attribute or input is out of range.
void fold_concat(const NodeReader& node, GraphBuilder& graph);
void fold_reshape(const NodeReader& node, GraphBuilder& graph);
void fold_constant_of_shape(const NodeReader& node, GraphBuilder& graph);
void fold_slice(const NodeReader& node, GraphBuilder& graph);
void fold_transpose(const NodeReader& node, GraphBuilder& graph);
void fold_cast(const NodeReader& node, GraphBuilder& graph);

}  // namespace proact
