#pragma once
// The one way commands load the model named by --model: a zoo name, a checkpoint path or an ONNX
// file (a path ending in .onnx).
#include <string>

#include "models/net/checkpoint.hpp"
#include "models/onnx/import.hpp"
#include "sw/data/data_spec.hpp"

namespace proact {

// resolve_model_path(name_or_path), then import_onnx for a .onnx file (reading `weights` of it),
// load_checkpoint for anything else. Errors are theirs: one line naming the file (and node, for
// ONNX).
Checkpoint load_model(const std::string& name_or_path, Weights weights = Weights::values);

// What an int8 deployment quantises each conv and dense input with: a checkpoint of the project's
// trainer records these activation ranges; one without them (a model imported from ONNX) gets
// them measured here on the first 1000 of `images` (normalised), as the trainer measures them. A
// checkpoint that has them is left as it is.
void add_missing_activation_ranges(Checkpoint& checkpoint, const Tensor& images);
// The same on `data`'s training split (loaded only when the ranges are missing).
void add_missing_activation_ranges(Checkpoint& checkpoint, const DataSpec& data);

}  // namespace proact
