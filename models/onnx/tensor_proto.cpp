#include "models/onnx/tensor_proto.hpp"

#include <climits>
#include <cstring>
#include <stdexcept>

namespace proact {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ONNX raw_data is little-endian; this build copies it as is");

namespace {

[[noreturn]] void refuse(const onnx::TensorProto& proto, const std::string& problem) {
  throw std::invalid_argument("tensor '" + proto.name() + "': " + problem);
}

Shape shape_of(const onnx::TensorProto& proto) {
  Shape shape;
  for (std::int64_t d : proto.dims()) {
    if (d < 0 || d > INT_MAX) refuse(proto, "dimension " + std::to_string(d) + " out of range");
    shape.push_back(static_cast<int>(d));
  }
  return shape;
}

void require_data_type(const onnx::TensorProto& proto, int expected_type) {
  if (proto.data_type() != expected_type) {
    refuse(proto, "holds " + data_type_name(proto.data_type()) + ", expected " + data_type_name(expected_type));
  }
}

// The values of a tensor of element type T: raw_data, or the typed repeated field `typed`.
template <typename T, typename Repeated>
std::vector<T> values_of(const onnx::TensorProto& proto, int expected_type, const Repeated& typed) {
  require_data_type(proto, expected_type);
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    refuse(proto, "stores its data in an external file, which this importer does not read");
  }
  const std::size_t count = shape_numel(shape_of(proto));
  std::vector<T> values;
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != count * sizeof(T)) {
      refuse(proto, "holds " + std::to_string(raw.size()) + " bytes of raw data, its dims need " +
                        std::to_string(count * sizeof(T)) + " (truncated file?)");
    }
    values.resize(count);
    if (count) std::memcpy(values.data(), raw.data(), raw.size());
    return values;
  }
  if (static_cast<std::size_t>(typed.size()) != count) {
    refuse(proto, "holds " + std::to_string(typed.size()) + " values, its dims need " + std::to_string(count) +
                      " (missing or truncated data?)");
  }
  return std::vector<T>(typed.begin(), typed.end());
}

}  // namespace

std::string data_type_name(int type) {
  return onnx::TensorProto_DataType_IsValid(type)
             ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type))
             : "data type " + std::to_string(type);
}

Tensor float_tensor(const onnx::TensorProto& proto) {
  return Tensor(shape_of(proto), values_of<float>(proto, onnx::TensorProto::FLOAT, proto.float_data()));
}

Tensor zero_float_tensor(const onnx::TensorProto& proto) {
  require_data_type(proto, onnx::TensorProto::FLOAT);
  return Tensor(shape_of(proto));
}

std::vector<std::int64_t> int64_values(const onnx::TensorProto& proto) {
  return values_of<std::int64_t>(proto, onnx::TensorProto::INT64, proto.int64_data());
}

void set_float_tensor(onnx::TensorProto& proto, const std::string& name, const Tensor& tensor) {
  proto.set_name(name);
  proto.set_data_type(onnx::TensorProto::FLOAT);
  for (int d : tensor.shape()) proto.add_dims(d);
  proto.set_raw_data(tensor.data(), tensor.size() * sizeof(float));
}

void set_int64_tensor(onnx::TensorProto& proto, const std::string& name, const std::vector<std::int64_t>& values) {
  proto.set_name(name);
  proto.set_data_type(onnx::TensorProto::INT64);
  proto.add_dims(static_cast<std::int64_t>(values.size()));
  proto.set_raw_data(values.data(), values.size() * sizeof(std::int64_t));
}

}  // namespace proact
