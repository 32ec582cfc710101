#pragma once
// Networks as ONNX models (`proact export`), written with ONNX's protobuf classes.
#include <nlohmann/json.hpp>
#include <string>

#include "models/net/network.hpp"

namespace proact {

inline constexpr int kExportOpset = 13;

// Writes `network` to `path` as an ONNX model, opset kExportOpset = 13 (IR version 7): one input "input"
// (batch, input shape...) with a dynamic batch axis, one output named after the last layer;
// one node per layer, named after it (and so is its output tensor), its parameters as
// initializers "<layer>.<parameter>". Conv2d -> Conv (group, dilations, pads), Dense -> Gemm
// (transB = 1), BatchNorm -> BatchNormalization (unfolded, so import_onnx folds it exactly as
// fold_batch_norm does), an unclipped Activation -> Relu (ReLU's bounds) or Clip (with min and
// max inputs), Pool2d -> MaxPool or AveragePool (pads, ceil_mode, count_include_pad),
// GlobalAvgPool -> GlobalAveragePool followed by a Flatten to (batch, C), Add -> Add, Flatten ->
// Flatten, Concat -> Concat (axis 1), Pad -> Pad (constant; its pads and value as initializers
// "<layer>.pads", "<layer>.value"). `metadata` (the checkpoint's) goes to metadata_props
// "proact.metadata", which import_onnx reads back.
// Throws std::invalid_argument naming a layer it cannot write (a clipped activation), and
// std::runtime_error naming the file when it cannot be written.
void export_onnx(const Network& network, const nlohmann::json& metadata, const std::string& path);

}  // namespace proact
