#pragma once
// ONNX models as networks (`--model file.onnx`): the file is read with ONNX's protobuf classes
// and its graph (opsets 9 to 17) translated operator by operator onto the project's layers;
// models/onnx/operators.cpp holds one translation per supported operator, docs/onnx.md lists
// what is supported and refused.
#include <string>

#include "models/net/checkpoint.hpp"

namespace proact {

// What the import reads of the float initializers (weights, biases, batch-norm statistics).
enum class Weights {
  values,       // all of them
  shapes_only,  // tensors of two or more elements become zeros of their shape, their bytes freed
                // before the graph is translated: for commands that need only the network's
                // shapes (cycles, topologies); scalars (Clip bounds, Pad values) keep their values
};

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
Checkpoint import_onnx(const std::string& path, Weights weights = Weights::values);

}  // namespace proact
