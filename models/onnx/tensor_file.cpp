#include "models/onnx/tensor_file.hpp"

#include <stdexcept>

#include "models/onnx/proto_io.hpp"
#include "models/onnx/tensor_proto.hpp"

namespace proact {

Tensor read_tensor_file(const std::string& path) {
  onnx::TensorProto proto;
  read_message(path, proto, "an ONNX TensorProto");
  try {
    return float_tensor(proto);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace proact
