#include "hw/layer_descriptor.hpp"

#include <stdexcept>

namespace proact {

std::string layer_op_name(LayerOp op) {
  switch (op) {
    case LayerOp::conv: return "conv";
    case LayerOp::dense: return "dense";
    case LayerOp::max_pool: return "max_pool";
    case LayerOp::avg_pool: return "avg_pool";
    case LayerOp::global_avg_pool: return "global_avg_pool";
    case LayerOp::add: return "add";
    case LayerOp::activation: return "activation";
  }
  return "?";
}

bool is_gemm(LayerOp op) { return op == LayerOp::conv || op == LayerOp::dense; }

long LayerDescriptor::gemm_m() const { return static_cast<long>(out_height) * out_width * batch; }
long LayerDescriptor::gemm_n() const { return out_channels; }
long LayerDescriptor::gemm_k() const {
  return op == LayerOp::conv ? static_cast<long>(in_channels) * kernel * kernel : static_cast<long>(in_channels);
}
std::size_t LayerDescriptor::input_elements() const { return static_cast<std::size_t>(in_channels) * in_height * in_width; }
std::size_t LayerDescriptor::output_elements() const {
  return static_cast<std::size_t>(out_channels) * out_height * out_width;
}

namespace {

// Word positions of the fields; 64-bit addresses take two words (low first).
enum Word : std::size_t {
  kOp, kNode, kBatch, kInputLo, kInputHi, kInput2Lo, kInput2Hi, kOutputLo, kOutputHi, kWeightsLo, kWeightsHi,
  kBiasLo, kBiasHi, kScalesLo, kScalesHi, kFormat, kInChannels, kInHeight, kInWidth, kOutChannels, kOutHeight,
  kOutWidth, kKernel, kStride, kPadding, kInputScale, kPost, kThresholdSlot, kWordCount
};
static_assert(kWordCount <= kDescriptorWords, "descriptor fields exceed the descriptor size");

std::uint64_t join(const std::uint32_t* words, std::size_t lo) {
  return static_cast<std::uint64_t>(words[lo]) | (static_cast<std::uint64_t>(words[lo + 1]) << 32);
}

void split(std::vector<std::uint32_t>& words, std::size_t lo, std::uint64_t value) {
  words[lo] = static_cast<std::uint32_t>(value);
  words[lo + 1] = static_cast<std::uint32_t>(value >> 32);
}

[[noreturn]] void invalid(const std::string& field, std::uint32_t value) {
  throw std::invalid_argument("layer descriptor: " + field + " = " + std::to_string(value) + " is invalid");
}

}  // namespace

std::vector<std::uint32_t> LayerDescriptor::encode() const {
  std::vector<std::uint32_t> w(kDescriptorWords, 0);
  w[kOp] = static_cast<std::uint32_t>(op);
  w[kNode] = node;
  w[kBatch] = batch;
  split(w, kInputLo, input);
  split(w, kInput2Lo, input2);
  split(w, kOutputLo, output);
  split(w, kWeightsLo, weights);
  split(w, kBiasLo, bias);
  split(w, kScalesLo, scales);
  w[kFormat] = static_cast<std::uint32_t>(format);
  w[kInChannels] = in_channels;
  w[kInHeight] = in_height;
  w[kInWidth] = in_width;
  w[kOutChannels] = out_channels;
  w[kOutHeight] = out_height;
  w[kOutWidth] = out_width;
  w[kKernel] = kernel;
  w[kStride] = stride;
  w[kPadding] = padding;
  w[kInputScale] = encode_word(Format::fp32, input_scale);
  w[kPost] = static_cast<std::uint32_t>(post);
  w[kThresholdSlot] = threshold_slot;
  return w;
}

LayerDescriptor LayerDescriptor::decode(const std::uint32_t* w) {
  LayerDescriptor d;
  if (w[kOp] < 1 || w[kOp] > 7) invalid("op", w[kOp]);
  d.op = static_cast<LayerOp>(w[kOp]);
  d.node = w[kNode];
  d.batch = w[kBatch];
  d.input = join(w, kInputLo);
  d.input2 = join(w, kInput2Lo);
  d.output = join(w, kOutputLo);
  d.weights = join(w, kWeightsLo);
  d.bias = join(w, kBiasLo);
  d.scales = join(w, kScalesLo);
  if (w[kFormat] > static_cast<std::uint32_t>(Format::q15_16)) invalid("format", w[kFormat]);
  d.format = static_cast<Format>(w[kFormat]);
  d.in_channels = w[kInChannels];
  d.in_height = w[kInHeight];
  d.in_width = w[kInWidth];
  d.out_channels = w[kOutChannels];
  d.out_height = w[kOutHeight];
  d.out_width = w[kOutWidth];
  d.kernel = w[kKernel];
  d.stride = w[kStride];
  d.padding = w[kPadding];
  d.input_scale = decode_word(Format::fp32, w[kInputScale]);
  if (w[kPost] > 2) invalid("post", w[kPost]);
  d.post = static_cast<PostOp>(w[kPost]);
  d.threshold_slot = w[kThresholdSlot];
  if (d.batch == 0) invalid("batch", 0);
  for (std::size_t i : {kInChannels, kInHeight, kInWidth, kOutChannels, kOutHeight, kOutWidth, kKernel, kStride}) {
    if (w[i] == 0) invalid("shape word " + std::to_string(i), 0);
  }
  return d;
}

}  // namespace proact
