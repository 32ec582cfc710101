#pragma once
// The one way commands load the model named by --model: a zoo name, a checkpoint path or an ONNX
// file (a path ending in .onnx).
#include <string>

#include "models/net/checkpoint.hpp"

namespace proact {

// resolve_model_path(name_or_path), then import_onnx for a .onnx file, load_checkpoint for
// anything else. Errors are theirs: one line naming the file (and node, for ONNX).
Checkpoint load_model(const std::string& name_or_path);

}  // namespace proact
