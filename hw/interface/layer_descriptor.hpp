#pragma once
// The layer descriptor: one unit of work as the controller reads it from DRAM. The driver writes
// a list of them and points DESC_BASE/DESC_COUNT at it; the controller walks the list in order.
// In DRAM a descriptor is kDescriptorWords little-endian 32-bit words (layout in encode()).
//
// Activation buffers are fp32 (the accelerator's activation format), batch-major NCHW:
// (batch, channels, height, width); a dense layer's input and output are (batch, features), i.e.
// channels = features, height = width = 1. Weights are the stored words of the layer's storage
// format, one word per 32-bit DRAM slot, in the network's layout (out, in / groups, kh, kw) /
// (out, in).
#include <cstdint>
#include <string>
#include <vector>

#include "models/kernels/conv.hpp"
#include "models/kernels/pool.hpp"
#include "models/numeric/clip.hpp"
#include "models/numeric/format.hpp"

namespace proact {

// concat copies its input into channels [channel_offset, channel_offset + in_channels) of an
// output with out_channels channels (one descriptor per concatenated input); pad copies its input
// into the middle of an output bordered by `padding` words of `pad_value`; batch_norm is an
// inference batch norm that no conv absorbed, its fp32 gamma, beta, running mean and running
// variance (in_channels words each, in that order) at `weights`.
enum class LayerOp : std::uint32_t {
  conv = 1, dense = 2, max_pool = 3, avg_pool = 4, global_avg_pool = 5, add = 6, activation = 7, concat = 8, pad = 9,
  batch_norm = 10
};
std::string layer_op_name(LayerOp op);
bool is_gemm(LayerOp op);  // conv and dense run on the systolic array

// What the activation pipeline does after the op. Both clamp to `clamp` first ([0, inf): ReLU).
enum class PostOp : std::uint32_t {
  none = 0,
  clamp = 1,  // the clamp alone (plain ReLU by default), whatever CLIP_MODE says
  clip = 2,   // the clamp, then clip unit `clip_unit` in CLIP_MODE (its threshold or table window)
};

// A pooling the post-processing unit applies to the activation pipeline's result (fused into the
// descriptor, so the unpooled output is never written).
enum class FusedPool : std::uint32_t { none = 0, max = 1, avg = 2, global_avg = 3 };
std::string fused_pool_name(FusedPool pool);  // "none", "max_pool", "avg_pool", "global_avg_pool"

struct LayerDescriptor {
  LayerOp op = LayerOp::conv;
  std::uint32_t node = 0;  // index of the layer in the deployed network (reports, traces)
  std::uint32_t batch = 1;
  std::uint64_t input = 0, input2 = 0, output = 0;  // DRAM byte addresses of activation buffers (input2: add)
  std::uint64_t weights = 0, bias = 0, scales = 0;  // gemm: stored words; int8: bias int32 words, scales fp32 (out)
  Format format = Format::fp32;                     // weight storage format (bias: int32 for int8, else the same)
  std::uint32_t in_channels = 1, in_height = 1, in_width = 1;
  std::uint32_t out_channels = 1, out_height = 1, out_width = 1;
  Size2d kernel, stride, dilation;  // conv and pools (dilation: conv only)
  Padding2d padding;                // conv and pools: implicit; pad: the border written
  std::uint32_t groups = 1;         // conv: channel groups (in_channels = groups: depthwise)
  bool ceil_mode = false;           // pools
  bool count_include_pad = false;   // avg_pool
  float pad_value = 0.0f;           // pad
  float epsilon = 1e-5f;            // batch_norm
  std::uint32_t channel_offset = 0;  // concat
  float input_scale = 1.0f;          // int8: activation quantisation step
  PostOp post = PostOp::none;
  ClampBounds clamp;                 // post: [lo, hi] before the clip form
  std::uint32_t clip_unit = 0;       // post clip: index of CLIP_THRESHOLD / CLIP_TABLE_BASE / CLIP_TABLE_LENGTH
  // The post-processing unit's fused ops, in this order after the op and its bias: the residual
  // add of `input2` (the op's output shape), the activation pipeline (`post`), then `fused_pool`
  // over each output channel's plane with window `pool` (max, avg) or whole (global_avg), giving
  // pool_out_height x pool_out_width per channel: what the descriptor writes to `output`.
  bool residual = false;             // conv, dense
  FusedPool fused_pool = FusedPool::none;  // conv, dense, add
  PoolWindow pool;
  std::uint32_t pool_out_height = 1, pool_out_width = 1;
  // Where the activation operands live: DRAM byte addresses, or, flagged on chip, word addresses
  // of the activation SRAM (its two banks as one space: bank 0's words, then bank 1's).
  bool input_on_chip = false, input2_on_chip = false, output_on_chip = false;
  // The activation SRAM words [0, stage_words) stage the descriptor's DRAM transfers: input tiles
  // and output chunks of a quarter of it each (two of each, double-buffered); the compiler keeps
  // resident results above them. 0: the whole SRAM.
  std::uint32_t stage_words = 0;

  // GEMM view of one channel group (SCALE-Sim names): M = output pixels x batch, N = output
  // channels / groups, K = patch size ((in channels / groups) x kh x kw). A grouped conv runs
  // gemm_groups() such GEMMs one after another, group g on weight rows [g N, (g + 1) N).
  long gemm_m() const;
  long gemm_n() const;
  long gemm_k() const;
  long gemm_groups() const;
  ConvWindow conv_window() const;
  PoolWindow pool_window() const;
  std::size_t input_elements() const;   // per sample
  std::size_t output_elements() const;  // per sample, the op's output (before a fused pool)
  std::size_t result_elements() const;  // per sample, what the descriptor writes (after a fused pool)
  std::string op_label() const;  // the op and its fused ops: "conv", "conv+add", "conv+max_pool", ...

  std::vector<std::uint32_t> encode() const;  // kDescriptorWords words
  // Throws std::invalid_argument naming the field when the words do not form a valid descriptor.
  static LayerDescriptor decode(const std::uint32_t* words);
};

constexpr std::size_t kDescriptorWords = 64;
constexpr std::size_t kDescriptorBytes = kDescriptorWords * 4;

}  // namespace proact
