#pragma once
// ONNX TensorProto (initializers, Constant values, test data) to and from the project's tensors.
// Only what the importer needs: float32 weights and int64 shapes. Internal to models/onnx.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <vector>

#include "models/tensor.hpp"

namespace proact {

// "FLOAT", "INT64", ..., or "data type N" for a number ONNX does not define.
std::string data_type_name(int type);

// A FLOAT tensor's values from raw_data (little-endian) or float_data, shaped by its dims
// (a scalar has shape ()). Throws std::invalid_argument "tensor 'name': ..." for another data type,
// external data, or a value count that does not match the dims (a truncated file).
Tensor float_tensor(const onnx::TensorProto& proto);
// Zeros of a FLOAT tensor's shape, its data not read (Weights::shapes_only); the same errors for
// another data type or a dimension out of range.
Tensor zero_float_tensor(const onnx::TensorProto& proto);

// An INT64 tensor's values (raw_data or int64_data), flattened; same errors.
std::vector<std::int64_t> int64_values(const onnx::TensorProto& proto);

// Fills `proto` as the FLOAT tensor `name` with tensor's shape and values (raw_data).
void set_float_tensor(onnx::TensorProto& proto, const std::string& name, const Tensor& tensor);
// Fills `proto` as the 1-D INT64 tensor `name` holding `values` (raw_data).
void set_int64_tensor(onnx::TensorProto& proto, const std::string& name, const std::vector<std::int64_t>& values);

}  // namespace proact
