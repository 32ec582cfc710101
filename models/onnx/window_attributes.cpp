#include "models/onnx/window_attributes.hpp"

#include <algorithm>
#include <climits>
#include <string>

namespace proact {

namespace {

// A 2-D attribute (kernel_shape, strides, dilations) of values >= 1.
Size2d size_attribute(const NodeReader& node, const std::string& name, const std::vector<std::int64_t>& fallback,
                      const char* what) {
  const std::vector<std::int64_t> values = node.ints_attribute(name, fallback);
  if (values.size() != 2) node.refuse_attribute(name, ints_string(values), "2-D windows only");
  for (std::int64_t v : values) {
    if (v < 1 || v > INT_MAX) node.refuse_attribute(name, ints_string(values), std::string("not a ") + what);
  }
  return {static_cast<int>(values[0]), static_cast<int>(values[1])};
}

// ONNX's SAME padding of one axis: the output is ceil(size / stride), the total padding split
// evenly, its odd element at the end (SAME_UPPER) or the beginning (SAME_LOWER).
void same_padding(int size, int extent, int stride, bool upper, int& begin, int& end) {
  const long outputs = (static_cast<long>(size) + stride - 1) / stride;
  const long total = std::max(0L, (outputs - 1) * stride + extent - size);
  begin = static_cast<int>(upper ? total / 2 : total - total / 2);
  end = static_cast<int>(total - begin);
}

}  // namespace

WindowAttributes window_attributes(const NodeReader& node, const Shape& input,
                                   const std::vector<std::int64_t>& default_kernel) {
  if (default_kernel.empty() && !node.has_attribute("kernel_shape")) node.refuse("has no kernel_shape");
  WindowAttributes w;
  w.kernel = size_attribute(node, "kernel_shape", default_kernel, "window size");
  w.stride = size_attribute(node, "strides", {1, 1}, "stride");
  w.dilation = size_attribute(node, "dilations", {1, 1}, "dilation");
  const std::string auto_pad = node.string_attribute("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
    node.refuse_attribute("auto_pad", auto_pad, "expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
  }
  if (auto_pad == "NOTSET") {
    const std::vector<std::int64_t> pads = node.ints_attribute("pads", {0, 0, 0, 0});
    if (pads.size() != 4) node.refuse_attribute("pads", ints_string(pads), "2-D windows take 4 pads");
    for (std::int64_t p : pads) {
      if (p < 0 || p > INT_MAX) node.refuse_attribute("pads", ints_string(pads), "not a padding");
    }
    // ONNX orders pads [x1_begin, x2_begin, x1_end, x2_end]: top, left, bottom, right.
    w.padding = {static_cast<int>(pads[0]), static_cast<int>(pads[1]), static_cast<int>(pads[2]),
                 static_cast<int>(pads[3])};
    return w;
  }
  if (node.has_attribute("pads")) {
    node.refuse_attribute("pads", ints_string(node.ints_attribute("pads", {})),
                          "pads cannot be given with auto_pad=" + auto_pad);
  }
  if (auto_pad == "VALID") return w;
  const bool upper = auto_pad == "SAME_UPPER";
  same_padding(input.at(1), w.dilation.height * (w.kernel.height - 1) + 1, w.stride.height, upper, w.padding.top,
               w.padding.bottom);
  same_padding(input.at(2), w.dilation.width * (w.kernel.width - 1) + 1, w.stride.width, upper, w.padding.left,
               w.padding.right);
  return w;
}

}  // namespace proact
