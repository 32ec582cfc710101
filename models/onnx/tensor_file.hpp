#pragma once
// A float32 tensor stored as one serialised ONNX TensorProto: the format of ONNX's test data sets
// (input_0.pb, output_0.pb), which testbenches/fixtures/onnx uses for inputs and reference logits.
#include <string>

#include "models/tensor.hpp"

namespace proact {

// Throws std::runtime_error naming the file when it is missing, not a TensorProto or not float32.
Tensor read_tensor_file(const std::string& path);

}  // namespace proact
