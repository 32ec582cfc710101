#pragma once
// ONNX models as networks (`--model file.onnx`): the file is read with ONNX's protobuf classes
// and its graph (opsets 9 to 17) translated operator by operator onto the project's layers;
// models/onnx/operators.cpp holds one translation per supported operator, docs/onnx.md lists
// what is supported and refused.
#include <string>

#include "models/net/checkpoint.hpp"

namespace proact {

// The network of an ONNX model, for a graph with one float input (batch axis dynamic or not,
// the other axes fixed) and one output (batch, classes) computed last. Layer names come from
// the node names (letters, digits, '_' and '-', unique); every Relu is an Activation (a clip
// site), in execution order; batch norm is folded into the conv/dense it follows when that
// layer's output goes only to it (fold_batch_norm). Architecture: the file's stem. Metadata:
// what `proact export` stored in the model ("proact.metadata"), else empty.
// Throws one line naming the file, and the node, its op type and the opset where a node is at
// fault: a file that is not ONNX or is truncated, an opset outside 9-17, an operator without a
// translation (checked for every node before any is translated), an attribute or input its
// layer cannot express, a missing initializer.
Checkpoint import_onnx(const std::string& path);

}  // namespace proact
