#include "hw/interface/layer_descriptor.hpp"

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
    case LayerOp::concat: return "concat";
    case LayerOp::pad: return "pad";
    case LayerOp::batch_norm: return "batch_norm";
  }
  return "?";
}

std::string fused_pool_name(FusedPool pool) {
  switch (pool) {
    case FusedPool::none: return "none";
    case FusedPool::max: return "max_pool";
    case FusedPool::avg: return "avg_pool";
    case FusedPool::global_avg: return "global_avg_pool";
  }
  return "?";
}

bool is_gemm(LayerOp op) { return op == LayerOp::conv || op == LayerOp::dense; }

long LayerDescriptor::gemm_m() const { return static_cast<long>(out_height) * out_width * batch; }
long LayerDescriptor::gemm_n() const { return out_channels / gemm_groups(); }
long LayerDescriptor::gemm_k() const {
  return op == LayerOp::conv ? static_cast<long>(in_channels / groups) * kernel.height * kernel.width
                             : static_cast<long>(in_channels);
}
long LayerDescriptor::gemm_groups() const { return op == LayerOp::conv ? groups : 1; }
ConvWindow LayerDescriptor::conv_window() const {
  return ConvWindow{kernel, stride, dilation, padding, static_cast<int>(groups)};
}
PoolWindow LayerDescriptor::pool_window() const {
  return PoolWindow{kernel, stride, padding, ceil_mode, count_include_pad};
}
std::size_t LayerDescriptor::input_elements() const { return static_cast<std::size_t>(in_channels) * in_height * in_width; }
std::size_t LayerDescriptor::output_elements() const {
  return static_cast<std::size_t>(out_channels) * out_height * out_width;
}
std::string LayerDescriptor::op_label() const {
  return layer_op_name(op) + (residual ? "+add" : "") +
         (fused_pool == FusedPool::none ? "" : "+" + fused_pool_name(fused_pool));
}
std::size_t LayerDescriptor::result_elements() const {
  return fused_pool == FusedPool::none ? output_elements()
                                       : static_cast<std::size_t>(out_channels) * pool_out_height * pool_out_width;
}

namespace {

// Word positions of the fields; 64-bit addresses take two words (low first).
enum Word : std::size_t {
  kOp, kNode, kBatch, kInputLo, kInputHi, kInput2Lo, kInput2Hi, kOutputLo, kOutputHi, kWeightsLo, kWeightsHi,
  kBiasLo, kBiasHi, kScalesLo, kScalesHi, kFormat, kInChannels, kInHeight, kInWidth, kOutChannels, kOutHeight,
  kOutWidth, kKernelHeight, kKernelWidth, kStrideHeight, kStrideWidth, kDilationHeight, kDilationWidth, kPadTop,
  kPadLeft, kPadBottom, kPadRight, kGroups, kPoolFlags, kPadValue, kChannelOffset, kEpsilon, kInputScale, kPost, kClampLo,
  kClampHi, kClipUnitWord, kResidual, kFusedPool, kPoolKernelHeight, kPoolKernelWidth, kPoolStrideHeight,
  kPoolStrideWidth, kPoolPadTop, kPoolPadLeft, kPoolPadBottom, kPoolPadRight, kFusedPoolFlags, kPoolOutHeight,
  kPoolOutWidth, kLocations, kStageWords, kWordCount
};
// kLocations bits.
constexpr std::uint32_t kInputOnChip = 1u, kInput2OnChip = 2u, kOutputOnChip = 4u;
// kPoolFlags bits.
constexpr std::uint32_t kCeilMode = 1u, kCountIncludePad = 2u;
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
  w[kKernelHeight] = static_cast<std::uint32_t>(kernel.height);
  w[kKernelWidth] = static_cast<std::uint32_t>(kernel.width);
  w[kStrideHeight] = static_cast<std::uint32_t>(stride.height);
  w[kStrideWidth] = static_cast<std::uint32_t>(stride.width);
  w[kDilationHeight] = static_cast<std::uint32_t>(dilation.height);
  w[kDilationWidth] = static_cast<std::uint32_t>(dilation.width);
  w[kPadTop] = static_cast<std::uint32_t>(padding.top);
  w[kPadLeft] = static_cast<std::uint32_t>(padding.left);
  w[kPadBottom] = static_cast<std::uint32_t>(padding.bottom);
  w[kPadRight] = static_cast<std::uint32_t>(padding.right);
  w[kGroups] = groups;
  w[kPoolFlags] = (ceil_mode ? kCeilMode : 0u) | (count_include_pad ? kCountIncludePad : 0u);
  w[kPadValue] = encode_word(Format::fp32, pad_value);
  w[kEpsilon] = encode_word(Format::fp32, epsilon);
  w[kChannelOffset] = channel_offset;
  w[kInputScale] = encode_word(Format::fp32, input_scale);
  w[kPost] = static_cast<std::uint32_t>(post);
  w[kClampLo] = encode_word(Format::fp32, clamp.lo);
  w[kClampHi] = encode_word(Format::fp32, clamp.hi);
  w[kClipUnitWord] = clip_unit;
  w[kResidual] = residual ? 1u : 0u;
  w[kFusedPool] = static_cast<std::uint32_t>(fused_pool);
  w[kPoolKernelHeight] = static_cast<std::uint32_t>(pool.kernel.height);
  w[kPoolKernelWidth] = static_cast<std::uint32_t>(pool.kernel.width);
  w[kPoolStrideHeight] = static_cast<std::uint32_t>(pool.stride.height);
  w[kPoolStrideWidth] = static_cast<std::uint32_t>(pool.stride.width);
  w[kPoolPadTop] = static_cast<std::uint32_t>(pool.padding.top);
  w[kPoolPadLeft] = static_cast<std::uint32_t>(pool.padding.left);
  w[kPoolPadBottom] = static_cast<std::uint32_t>(pool.padding.bottom);
  w[kPoolPadRight] = static_cast<std::uint32_t>(pool.padding.right);
  w[kFusedPoolFlags] = (pool.ceil_mode ? kCeilMode : 0u) | (pool.count_include_pad ? kCountIncludePad : 0u);
  w[kPoolOutHeight] = pool_out_height;
  w[kPoolOutWidth] = pool_out_width;
  w[kLocations] = (input_on_chip ? kInputOnChip : 0u) | (input2_on_chip ? kInput2OnChip : 0u) |
                  (output_on_chip ? kOutputOnChip : 0u);
  w[kStageWords] = stage_words;
  return w;
}

LayerDescriptor LayerDescriptor::decode(const std::uint32_t* w) {
  LayerDescriptor d;
  if (w[kOp] < 1 || w[kOp] > static_cast<std::uint32_t>(LayerOp::batch_norm)) invalid("op", w[kOp]);
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
  // Window sizes and padding are bounded so that no geometry arithmetic can overflow an int.
  constexpr std::uint32_t kLargest = 1u << 16;
  for (std::size_t i : {kKernelHeight, kKernelWidth, kStrideHeight, kStrideWidth, kDilationHeight, kDilationWidth,
                        kPoolKernelHeight, kPoolKernelWidth, kPoolStrideHeight, kPoolStrideWidth}) {
    if (w[i] == 0 || w[i] > kLargest) invalid("window word " + std::to_string(i), w[i]);
  }
  for (std::size_t i : {kPadTop, kPadLeft, kPadBottom, kPadRight, kPoolPadTop, kPoolPadLeft, kPoolPadBottom,
                        kPoolPadRight}) {
    if (w[i] > kLargest) invalid("padding word " + std::to_string(i), w[i]);
  }
  d.kernel = {static_cast<int>(w[kKernelHeight]), static_cast<int>(w[kKernelWidth])};
  d.stride = {static_cast<int>(w[kStrideHeight]), static_cast<int>(w[kStrideWidth])};
  d.dilation = {static_cast<int>(w[kDilationHeight]), static_cast<int>(w[kDilationWidth])};
  d.padding = {static_cast<int>(w[kPadTop]), static_cast<int>(w[kPadLeft]), static_cast<int>(w[kPadBottom]),
               static_cast<int>(w[kPadRight])};
  d.groups = w[kGroups];
  if (w[kPoolFlags] > (kCeilMode | kCountIncludePad)) invalid("pool flags", w[kPoolFlags]);
  d.ceil_mode = (w[kPoolFlags] & kCeilMode) != 0;
  d.count_include_pad = (w[kPoolFlags] & kCountIncludePad) != 0;
  d.pad_value = decode_word(Format::fp32, w[kPadValue]);
  d.epsilon = decode_word(Format::fp32, w[kEpsilon]);
  d.channel_offset = w[kChannelOffset];
  d.input_scale = decode_word(Format::fp32, w[kInputScale]);
  if (w[kPost] > 2) invalid("post", w[kPost]);
  d.post = static_cast<PostOp>(w[kPost]);
  d.clamp = {decode_word(Format::fp32, w[kClampLo]), decode_word(Format::fp32, w[kClampHi])};
  if (!(d.clamp.lo <= d.clamp.hi)) invalid("clamp bounds", w[kClampLo]);
  d.clip_unit = w[kClipUnitWord];
  if (w[kResidual] > 1) invalid("residual", w[kResidual]);
  d.residual = w[kResidual] == 1;
  if (w[kFusedPool] > static_cast<std::uint32_t>(FusedPool::global_avg)) invalid("fused pool", w[kFusedPool]);
  d.fused_pool = static_cast<FusedPool>(w[kFusedPool]);
  d.pool.kernel = {static_cast<int>(w[kPoolKernelHeight]), static_cast<int>(w[kPoolKernelWidth])};
  d.pool.stride = {static_cast<int>(w[kPoolStrideHeight]), static_cast<int>(w[kPoolStrideWidth])};
  d.pool.padding = {static_cast<int>(w[kPoolPadTop]), static_cast<int>(w[kPoolPadLeft]),
                    static_cast<int>(w[kPoolPadBottom]), static_cast<int>(w[kPoolPadRight])};
  if (w[kFusedPoolFlags] > (kCeilMode | kCountIncludePad)) invalid("fused pool flags", w[kFusedPoolFlags]);
  d.pool.ceil_mode = (w[kFusedPoolFlags] & kCeilMode) != 0;
  d.pool.count_include_pad = (w[kFusedPoolFlags] & kCountIncludePad) != 0;
  d.pool_out_height = w[kPoolOutHeight];
  d.pool_out_width = w[kPoolOutWidth];
  if (d.pool_out_height == 0 || d.pool_out_width == 0) invalid("fused pool output plane", 0);
  if (w[kLocations] > (kInputOnChip | kInput2OnChip | kOutputOnChip)) invalid("locations", w[kLocations]);
  d.input_on_chip = (w[kLocations] & kInputOnChip) != 0;
  d.input2_on_chip = (w[kLocations] & kInput2OnChip) != 0;
  d.output_on_chip = (w[kLocations] & kOutputOnChip) != 0;
  d.stage_words = w[kStageWords];
  if (d.residual && !is_gemm(d.op)) invalid("residual (conv and dense only)", w[kResidual]);
  if (d.fused_pool != FusedPool::none && !is_gemm(d.op) && d.op != LayerOp::add) {
    invalid("fused pool (conv, dense and add only)", w[kFusedPool]);
  }
  if (d.batch == 0) invalid("batch", 0);
  for (std::size_t i : {kInChannels, kInHeight, kInWidth, kOutChannels, kOutHeight, kOutWidth}) {
    if (w[i] == 0) invalid("shape word " + std::to_string(i), 0);
  }
  if (d.groups == 0 || (d.op == LayerOp::conv && (d.in_channels % d.groups != 0 || d.out_channels % d.groups != 0))) {
    invalid("groups", d.groups);
  }
  if (d.op == LayerOp::concat &&
      (d.in_channels > d.out_channels || d.channel_offset > d.out_channels - d.in_channels)) {
    invalid("channel offset", d.channel_offset);
  }
  return d;
}

}  // namespace proact
