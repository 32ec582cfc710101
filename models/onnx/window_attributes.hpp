#pragma once
// The window attributes of Conv, MaxPool and AveragePool nodes: kernel_shape, strides,
// dilations, and pads or auto_pad (NOTSET, VALID, SAME_UPPER, SAME_LOWER) resolved into the
// padding of each side. Internal to models/onnx.
#include <cstdint>
#include <vector>

#include "models/kernels/window.hpp"
#include "models/onnx/node_reader.hpp"
#include "models/tensor.hpp"

namespace proact {

struct WindowAttributes {
  Size2d kernel, stride, dilation;
  Padding2d padding;  // ONNX pads [top, left, bottom, right]
};

// The attributes of `node` sliding over an input of per-sample ONNX shape `input` (C, H, W);
// kernel_shape defaults to `default_kernel` (a Conv's weight) and is required when that is empty.
// Refuses, naming the attribute, anything but 2-D windows of sizes >= 1 and pads >= 0, and pads
// given together with an auto_pad other than NOTSET.
WindowAttributes window_attributes(const NodeReader& node, const Shape& input,
                                   const std::vector<std::int64_t>& default_kernel);

}  // namespace proact
