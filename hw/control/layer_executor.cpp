#include "hw/control/layer_executor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "hw/array/array_numerics.hpp"
#include "hw/array/pe_array.hpp"
#include "hw/array/timing.hpp"
#include "hw/array/weight_tiling.hpp"
#include "models/kernels/batch_norm.hpp"
#include "models/kernels/copy.hpp"
#include "models/kernels/gemm.hpp"
#include "models/kernels/pool.hpp"
#include "models/numeric/clip.hpp"

namespace proact {

namespace {

std::string hex(std::uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

template <typename T>
T* dram_span(DramView dram, std::uint64_t address, std::uint64_t count, const char* what, std::uint32_t index) {
  const std::uint64_t bytes = count * sizeof(T);
  if (address > dram.size || bytes > dram.size - address || address % alignof(T) != 0) {
    throw DeviceFault(DeviceError::dram_address, "descriptor " + std::to_string(index) + ": " + what + " at " +
                                                     hex(address) + " (" + std::to_string(bytes) +
                                                     " bytes) lies outside DRAM or is misaligned");
  }
  return reinterpret_cast<T*>(dram.bytes + address);
}

// Throws DeviceFault unless the descriptor's output plane is height x width.
void require_output_plane(const LayerDescriptor& d, std::uint32_t index, long height, long width) {
  if (d.out_height != height || d.out_width != width) {
    throw DeviceFault(DeviceError::bad_descriptor,
                      "descriptor " + std::to_string(index) + ": its window gives a " + std::to_string(height) + "x" +
                          std::to_string(width) + " output, the descriptor says " + std::to_string(d.out_height) +
                          "x" + std::to_string(d.out_width));
  }
}

// Throws DeviceFault unless the conv or pool geometry is valid and gives the descriptor's output.
template <typename Geometry>
void require_geometry(const LayerDescriptor& d, std::uint32_t index, const Geometry& g) {
  try {
    g.validate();
  } catch (const std::invalid_argument& e) {
    throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) + ": " + e.what());
  }
  require_output_plane(d, index, g.out_height(), g.out_width());
}

// Records a fold's read-back weight block (n1 - n0, k1 - k0 at w) in W (N, K) at w_read: a weight's
// first load sets it, a later load must read the same bits. Returns false if one does not.
bool record_weights(const FoldBlock& b, const float* w, long k, float* w_read, unsigned char* loaded) {
  bool same = true;
  for (long nn = b.n0; nn < b.n1; ++nn) {
    for (long kk = b.k0; kk < b.k1; ++kk) {
      const float value = w[(nn - b.n0) * (b.k1 - b.k0) + (kk - b.k0)];
      float& entry = w_read[nn * k + kk];
      if (!loaded[nn * k + kk]) {
        entry = value;
        loaded[nn * k + kk] = 1;
      } else {
        same = same && std::memcmp(&entry, &value, sizeof value) == 0;
      }
    }
  }
  return same;
}

}  // namespace

LayerExecutor::LayerExecutor(const AcceleratorConfig& config, WordMemory& weight_sram, ActivationSram& act_sram,
                             CsrBank& csr)
    : config_(config), weight_sram_(weight_sram), act_sram_(act_sram), csr_(csr) {}

LayerReport LayerExecutor::execute(const LayerDescriptor& d, std::uint32_t index, DramView dram) {
  if (is_gemm(d.op)) run_gemm(d, index, dram);
  else run_vector(d, index, dram);
  return layer_timing(d, config_);
}

void LayerExecutor::run_gemm(const LayerDescriptor& d, std::uint32_t index, DramView dram) {
  // Per channel group: Y_g (n, m) = W_g (n, k) * X_g (k, m), with W_g rows [g n, (g + 1) n) of
  // W (groups n, k), X_g rows [g k, (g + 1) k) of the operand X (groups k, m) and Y_g rows
  // [g n, (g + 1) n) of Y (groups n, m).
  const long m = d.gemm_m(), n = d.gemm_n(), k = d.gemm_k(), groups = d.gemm_groups();
  const long rows = n * groups;  // output channels
  const bool integer = d.format == Format::int8;
  const std::uint64_t in_count = d.input_elements() * d.batch, out_count = d.output_elements() * d.batch;
  const float* input = dram_span<float>(dram, d.input, in_count, "input", index);
  float* output = dram_span<float>(dram, d.output, out_count, "output", index);
  const std::uint32_t* weights = dram_span<std::uint32_t>(dram, d.weights, rows * k, "weights", index);
  const std::uint32_t* bias = dram_span<std::uint32_t>(dram, d.bias, rows, "bias", index);
  const std::uint32_t* scales = integer ? dram_span<std::uint32_t>(dram, d.scales, rows, "scales", index) : nullptr;

  if (d.op == LayerOp::conv) require_geometry(d, index, conv_geometry(d));
  const GemmShape shape{m, n, k};
  const std::vector<LayerFold> folds = layer_folds(d, config_);
  const std::uint64_t half = weight_sram_.size() / 2;  // double buffered

  // A float layer whose every weight reads back the same bits in each fold that loads it (so
  // always without a fault hook) is, by the accumulation-order contract (hw/array/array_numerics.hpp),
  // one product per group over the read-back weights W in the dataflow's order: it runs as such
  // through the conv / dense kernels. Otherwise, from the first fold that reads a weight
  // differently, for int8, and when the output buffer overlaps the input, the folds accumulate one
  // by one over the operand X (the folds before it replayed from W). Validation mode hands each
  // group's W and X to the per-PE model.
  const bool overlapping =
      d.input < d.output + out_count * sizeof(float) && d.output < d.input + in_count * sizeof(float);
  bool by_fold = integer || overlapping;
  std::vector<std::uint32_t> words;  // a fold's weight block as the SRAM holds it
  std::vector<float> x, acc_float, w_float, w_block, scratch;
  std::vector<std::int8_t> x_int8, w_int8, x_scratch;
  std::vector<std::int32_t> acc_int, int_scratch;
  std::vector<float> w_read;          // W (groups n, k) as read back: first load (validation mode: last)
  std::vector<unsigned char> loaded;  // per weight: read back by some fold already
  const auto start_by_fold = [&] {
    if (integer) {
      x_int8 = gemm_operand_int8(d, input);
      acc_int.assign(static_cast<std::size_t>(rows) * m, 0);
    } else {
      x = gemm_operand(d, input);
      acc_float.assign(static_cast<std::size_t>(rows) * m, 0.0f);
    }
  };
  // Offsets of group g's blocks in X (groups k, m), Y (groups n, m) and W (groups n, k).
  const auto x_at = [&](const LayerFold& f) { return (f.group * k + f.block.k0) * m + f.block.m0; };
  const auto y_at = [&](const LayerFold& f) { return (f.group * n + f.block.n0) * m + f.block.m0; };
  const auto w_group = [&](long group) { return static_cast<std::size_t>(group * n * k); };
  const auto accumulate = [&](const LayerFold& f, const float* w) {
    const FoldBlock& b = f.block;
    fold_accumulate(w, x.data() + x_at(f), static_cast<int>(m), acc_float.data() + y_at(f), static_cast<int>(m),
                    static_cast<int>(b.n1 - b.n0), static_cast<int>(b.k1 - b.k0), static_cast<int>(b.m1 - b.m0),
                    scratch);
  };
  const bool exact_readback = !weight_sram_.fault_hook() && !by_fold && !config_.validation_mode;
  // fp32 words read back exactly are W's values as they sit in DRAM: read there, not decoded.
  const bool weights_in_place = exact_readback && d.format == Format::fp32;
  if (!integer && !weights_in_place) {
    w_read.assign(static_cast<std::size_t>(rows) * k, 0.0f);
    if (!exact_readback) loaded.assign(w_read.size(), 0);
  }
  if (by_fold || config_.validation_mode) start_by_fold();
  std::vector<std::uint64_t> surviving;  // per fold, its first word no later fold overwrites (exact readback)
  if (exact_readback) {
    std::vector<int> halves(folds.size());
    std::vector<std::uint64_t> lengths(folds.size());
    for (std::size_t f = 0; f < folds.size(); ++f) {
      const FoldBlock& b = folds[f].block;
      halves[f] = static_cast<int>(f % 2);
      lengths[f] = static_cast<std::uint64_t>((b.n1 - b.n0) * (b.k1 - b.k0));
    }
    surviving = surviving_from(halves, lengths);
  }

  for (std::size_t f = 0; f < folds.size(); ++f) {
    const FoldBlock& b = folds[f].block;
    const std::size_t group_w = w_group(folds[f].group);
    const long nw = b.n1 - b.n0, kw = b.k1 - b.k0, mw = b.m1 - b.m0;
    if (static_cast<std::uint64_t>(nw * kw) > half) {
      throw DeviceFault(DeviceError::sram_overflow, "descriptor " + std::to_string(index) + ": a fold needs " +
                                                        std::to_string(nw * kw) + " weight words, half the weight SRAM holds " +
                                                        std::to_string(half));
    }
    // DMA into the fold's half, then the array reads the block back (both through the hooks). The
    // block is contiguous in the SRAM, k-major (weight_sram_address): word (kk - k0) * nw + (nn - n0).
    const std::uint64_t block = weight_sram_address(b, f, half, b.n0, b.k0);
    // Without a fault hook every word reads back as stored: W is decoded once, after the folds,
    // and only the words the SRAM still holds after the layer are copied in.
    const std::uint64_t skip = exact_readback ? surviving[f] : 0;
    if (skip) weight_sram_.count_overwritten(skip);
    if (skip == static_cast<std::uint64_t>(nw * kw)) continue;
    const std::uint32_t* group_weights = weights + group_w;
    words.resize(static_cast<std::size_t>(nw) * kw);
    for (long nn = b.n0; nn < b.n1; ++nn)  // W's rows read in order; the block (at most half the SRAM) takes the strides
      for (long kk = b.k0; kk < b.k1; ++kk) words[(kk - b.k0) * nw + (nn - b.n0)] = group_weights[nn * k + kk];
    weight_sram_.store_block(block + skip, words.data() + skip, words.size() - skip);
    weight_sram_.read_block(block + skip, words.data() + skip, words.size() - skip);
    if (exact_readback) continue;
    if (integer) w_int8.resize(words.size());
    else w_float.resize(words.size());
    for (long kk = b.k0; kk < b.k1; ++kk) {
      for (long nn = b.n0; nn < b.n1; ++nn) {
        const std::uint32_t word = words[(kk - b.k0) * nw + (nn - b.n0)];
        const std::size_t at = static_cast<std::size_t>(nn - b.n0) * kw + (kk - b.k0);
        if (integer) w_int8[at] = static_cast<std::int8_t>(static_cast<std::uint8_t>(word & 0xffu));
        else w_float[at] = decode_word(d.format, word);
      }
    }
    if (config_.validation_mode) {
      for (long nn = b.n0; nn < b.n1; ++nn)
        std::copy_n(w_float.data() + (nn - b.n0) * kw, kw, w_read.data() + group_w + nn * k + b.k0);
    } else if (integer) {
      fold_accumulate_int8(w_int8.data(), x_int8.data() + x_at(folds[f]), static_cast<int>(m),
                           acc_int.data() + y_at(folds[f]), static_cast<int>(m), static_cast<int>(nw),
                           static_cast<int>(kw), static_cast<int>(mw), x_scratch, int_scratch);
    } else {
      if (!by_fold &&
          !record_weights(b, w_float.data(), k, w_read.data() + group_w, loaded.data() + group_w)) {
        by_fold = true;
        start_by_fold();
        for (std::size_t g = 0; g < f; ++g) {
          const FoldBlock& e = folds[g].block;
          const float* group_read = w_read.data() + w_group(folds[g].group);
          w_block.resize(static_cast<std::size_t>(e.n1 - e.n0) * (e.k1 - e.k0));
          for (long nn = e.n0; nn < e.n1; ++nn)
            std::copy_n(group_read + nn * k + e.k0, e.k1 - e.k0, w_block.data() + (nn - e.n0) * (e.k1 - e.k0));
          accumulate(folds[g], w_block.data());
        }
      }
      if (by_fold) accumulate(folds[f], w_float.data());
    }
  }

  if (config_.validation_mode) {
    const PeArray array(config_.array_rows, config_.array_cols, config_.dataflow, config_.timing.trim_partial_folds);
    // The per-PE model runs the array's own cycles: SCALE-Sim's convention, or trimmed folds.
    TimingOptions array_only;
    array_only.trim_partial_folds = config_.timing.trim_partial_folds;
    const long expected = compute_cycles(shape, config_.array_rows, config_.array_cols, config_.dataflow, array_only);
    for (long g = 0; g < groups; ++g) {
      PeArray::Result result = array.run(w_read.data() + w_group(g), x.data() + g * k * m, static_cast<int>(n),
                                         static_cast<int>(k), static_cast<int>(m));
      if (result.cycles != expected) {
        throw std::logic_error("descriptor " + std::to_string(index) + ": the per-PE model took " +
                               std::to_string(result.cycles) + " cycles, the timing model says " +
                               std::to_string(expected));
      }
      std::copy(result.y.begin(), result.y.end(), acc_float.begin() + g * n * m);
    }
  }

  if (exact_readback && !weights_in_place) decode_words(d.format, weights, w_read.size(), w_read.data());
  const float* w = weights_in_place ? dram_span<float>(dram, d.weights, rows * k, "weights", index) : w_read.data();

  // Activation pipeline: bias, then the clip unit, then the fp32 output words.
  std::vector<float> bias_values(static_cast<std::size_t>(rows)), scale_values(integer ? rows : 0);
  for (long o = 0; o < rows; ++o) {
    if (integer) scale_values[o] = decode_word(Format::fp32, scales[o]);
    else bias_values[o] = decode_word(d.format, bias[o]);
  }
  if (!integer && !config_.validation_mode && !by_fold) {
    gemm_layer(d, input, w, bias_values.data(), accumulation_order(config_.dataflow, config_.array_rows),
               output);
  } else {
    std::vector<float> y(static_cast<std::size_t>(rows) * m);
    for (long o = 0; o < rows; ++o) {
      for (long j = 0; j < m; ++j) {
        const std::size_t at = static_cast<std::size_t>(o) * m + j;
        y[at] = integer ? dequantize_accumulator(acc_int[at], static_cast<std::int32_t>(bias[o]), scale_values[o],
                                                 d.input_scale)
                        : acc_float[at] + bias_values[o];
      }
    }
    scatter_gemm_output(d, y.data(), output);
  }
  post_process(d, index, output);
  act_sram_.stage(output, out_count);
}

void LayerExecutor::run_vector(const LayerDescriptor& d, std::uint32_t index, DramView dram) {
  const int batch = static_cast<int>(d.batch);
  const std::size_t in_count = d.input_elements() * d.batch, out_count = d.output_elements() * d.batch;
  const float* input = dram_span<float>(dram, d.input, in_count, "input", index);
  float* output = dram_span<float>(dram, d.output, out_count, "output", index);
  switch (d.op) {
    case LayerOp::max_pool:
    case LayerOp::avg_pool: {
      const PoolGeometry g{static_cast<int>(d.in_channels), static_cast<int>(d.in_height),
                           static_cast<int>(d.in_width), d.pool_window()};
      require_geometry(d, index, g);
      if (d.op == LayerOp::max_pool) {
        max_pool_forward(g, batch, input, output, nullptr);
      } else {
        avg_pool_forward(g, batch, input, output);
      }
      break;
    }
    case LayerOp::global_avg_pool:
      global_avg_pool_forward(batch, static_cast<int>(d.in_channels), static_cast<int>(d.in_height * d.in_width), input,
                              output);
      break;
    case LayerOp::add: {
      const float* other = dram_span<float>(dram, d.input2, in_count, "second input", index);
      add_elements(out_count, input, other, output);
      break;
    }
    case LayerOp::activation:
      std::copy_n(input, out_count, output);
      break;
    case LayerOp::concat: {
      // Only this input's channels of each sample are written and staged.
      if (d.in_height != d.out_height || d.in_width != d.out_width) {
        throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) +
                                                           ": concat input and output planes differ in size");
      }
      if (d.post != PostOp::none) {
        throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) +
                                                           ": concat has no activation pipeline (post must be 0)");
      }
      const std::size_t offset = d.channel_offset * static_cast<std::size_t>(d.in_height) * d.in_width;
      copy_into_samples(batch, d.input_elements(), d.output_elements(), offset, input, output);
      for (int b = 0; b < batch; ++b) act_sram_.stage(output + b * d.output_elements() + offset, d.input_elements());
      return;
    }
    case LayerOp::batch_norm: {
      const std::size_t channels = d.in_channels;
      const float* p = dram_span<float>(dram, d.weights, 4 * channels, "batch norm parameters", index);
      batch_norm_eval_forward(batch, static_cast<int>(channels), static_cast<int>(d.in_height * d.in_width), input,
                              output, BatchNormParams{p, p + channels, d.epsilon}, p + 2 * channels, p + 3 * channels);
      break;
    }
    case LayerOp::pad:
      require_output_plane(d, index, static_cast<long>(d.in_height) + d.padding.top + d.padding.bottom,
                           static_cast<long>(d.in_width) + d.padding.left + d.padding.right);
      pad_planes(batch * static_cast<int>(d.in_channels), static_cast<int>(d.in_height), static_cast<int>(d.in_width),
                 d.padding, d.pad_value, input, output);
      break;
    default:
      throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) + ": " + layer_op_name(d.op) +
                                                         " is not an activation-unit op");
  }
  post_process(d, index, output);
  act_sram_.stage(output, out_count);
}

void LayerExecutor::post_process(const LayerDescriptor& d, std::uint32_t index, float* values) {
  if (d.post == PostOp::none) return;
  const std::size_t per_sample = d.output_elements();
  if (d.post == PostOp::clamp) {
    clip_forward(ClipForm::relu, values, values, d.batch, per_sample, nullptr, 0, kDefaultSharpness, d.clamp);
    return;
  }
  const std::optional<ClipForm> form = csr_.clip_form();
  if (!form) throw DeviceFault(DeviceError::bad_clip_mode, "CLIP_MODE holds the reserved value 3");
  std::vector<float> thresholds;
  if (d.threshold_slot == kThresholdTableSlot) {
    if (csr_.threshold_table_layer() != index) {
      throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) +
                                                         " uses the threshold table but THRESHOLD_TABLE_LAYER = " +
                                                         std::to_string(csr_.threshold_table_layer()));
    }
    if (per_sample > kThresholdTableWords) {
      throw DeviceFault(DeviceError::threshold_table_overflow,
                        "descriptor " + std::to_string(index) + " has " + std::to_string(per_sample) +
                            " output elements, the threshold table " + std::to_string(kThresholdTableWords));
    }
    // The clip unit loads the table once per layer (each word through the table's read hook).
    thresholds.resize(per_sample);
    for (std::size_t j = 0; j < per_sample; ++j) thresholds[j] = csr_.threshold_table_value(static_cast<std::uint32_t>(j));
  } else {
    if (d.threshold_slot >= kMaxClipLayers) {
      throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) + ": threshold slot " +
                                                         std::to_string(d.threshold_slot) + " >= " +
                                                         std::to_string(kMaxClipLayers));
    }
    thresholds.assign(1, csr_.clip_threshold(d.threshold_slot));
  }
  clip_forward(*form, values, values, d.batch, per_sample, thresholds.data(), thresholds.size(), kDefaultSharpness,
               d.clamp);
}

}  // namespace proact
