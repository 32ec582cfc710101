#include "hw/control/layer_executor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "hw/array/array_numerics.hpp"
#include "hw/array/fold_accumulation.hpp"
#include "hw/array/weight_tiling.hpp"
#include "hw/control/fold_loader.hpp"
#include "hw/memory/interconnect.hpp"
#include "models/kernels/batch_norm.hpp"
#include "models/kernels/copy.hpp"
#include "models/kernels/gemm.hpp"
#include "models/kernels/pool.hpp"
#include "models/numeric/clip.hpp"

namespace proact {

namespace {

template <typename T>
T* dram_span(DramView dram, std::uint64_t address, std::uint64_t count, const char* what, std::uint32_t index) {
  const std::uint64_t bytes = count * sizeof(T);
  if (address > dram.size || bytes > dram.size - address || address % alignof(T) != 0) {
    throw DeviceFault(DeviceError::dram_address, "descriptor " + std::to_string(index) + ": " + what + " at " +
                                                     hex_address(address) + " (" + std::to_string(bytes) +
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

// Throws DeviceFault unless the fused pool gives the descriptor's pooled plane.
void require_pooled_plane(const LayerDescriptor& d, std::uint32_t index, long height, long width) {
  if (d.pool_out_height != height || d.pool_out_width != width) {
    throw DeviceFault(DeviceError::bad_descriptor,
                      "descriptor " + std::to_string(index) + ": its fused pool gives a " + std::to_string(height) +
                          "x" + std::to_string(width) + " plane, the descriptor says " +
                          std::to_string(d.pool_out_height) + "x" + std::to_string(d.pool_out_width));
  }
}

// Throws DeviceFault (BAD_DESCRIPTOR, "descriptor i: " + where + the reason) unless the geometry is valid.
template <typename Geometry>
void require_valid(const Geometry& g, std::uint32_t index, const std::string& where) {
  try {
    g.validate();
  } catch (const std::invalid_argument& e) {
    throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) + ": " + where + e.what());
  }
}

// Throws DeviceFault unless the conv or pool geometry is valid and gives the descriptor's output.
template <typename Geometry>
void require_geometry(const LayerDescriptor& d, std::uint32_t index, const Geometry& g) {
  require_valid(g, index, "");
  require_output_plane(d, index, g.out_height(), g.out_width());
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
  const long m = d.gemm_m(), k = d.gemm_k();
  const long rows = d.gemm_n() * d.gemm_groups();  // output channels
  const bool integer = d.format == Format::int8;
  const std::uint64_t in_count = d.input_elements() * d.batch, out_count = d.output_elements() * d.batch;
  std::vector<float> input_copy, result_copy;
  const float* input = read_operand(d.input_on_chip, d.input, in_count, "input", index, dram, input_copy);
  float* result = result_buffer(d, index, dram, result_copy);
  // With a fused pool the op's output stays in the post-processing unit; else it is the result.
  std::vector<float> unpooled(d.fused_pool == FusedPool::none ? 0 : out_count);
  float* output = d.fused_pool == FusedPool::none ? result : unpooled.data();
  const std::uint32_t* weights = dram_span<std::uint32_t>(dram, d.weights, rows * k, "weights", index);
  const std::uint32_t* bias = dram_span<std::uint32_t>(dram, d.bias, rows, "bias", index);
  const std::uint32_t* scales = integer ? dram_span<std::uint32_t>(dram, d.scales, rows, "scales", index) : nullptr;
  if (d.op == LayerOp::conv) require_geometry(d, index, conv_geometry(d));
  const std::vector<LayerFold> folds = layer_folds(d, config_);

  // The strategy (hw/array/fold_accumulation.hpp): a float layer starts as a whole-layer product
  // and turns fold by fold at the first fold that reads a weight back differently (replaying the
  // folds before it from the recorded W); int8 and an output overlapping the input run fold by
  // fold throughout; validation mode hands W and X to the per-PE model. Without a fault hook a
  // whole-layer product reads W from DRAM, which is what every read-back returns.
  const bool overlapping = d.fused_pool == FusedPool::none && !d.input_on_chip && !d.output_on_chip &&
                           d.input < d.output + out_count * sizeof(float) && d.output < d.input + in_count * sizeof(float);
  bool by_fold = integer || overlapping;
  const bool from_dram = !weight_sram_.fault_hook() && !by_fold && !config_.validation_mode;
  const bool weights_in_place = from_dram && d.format == Format::fp32;  // W's fp32 words are its values
  FoldLoader loader(weight_sram_, folds, weights, d.gemm_n(), k, index, !from_dram);
  std::optional<FoldByFold<float>> float_folds;
  std::optional<FoldByFold<std::int8_t>> int8_folds;
  std::optional<ReadBackWeights> read_back;
  if (integer) int8_folds.emplace(d, input);
  else if (by_fold || config_.validation_mode) float_folds.emplace(d, input);
  if (!integer && !weights_in_place) read_back.emplace(d);
  std::vector<float> block;
  std::vector<std::int8_t> block_int8;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const std::uint32_t* words = loader.load(f);
    if (!words) continue;
    const std::size_t count = static_cast<std::size_t>(folds[f].block.weight_words());
    if (integer) {
      block_int8.resize(count);
      for (std::size_t i = 0; i < count; ++i) block_int8[i] = static_cast<std::int8_t>(static_cast<std::uint8_t>(words[i] & 0xffu));
      int8_folds->add(folds[f], block_int8.data());
      continue;
    }
    block.resize(count);
    for (std::size_t i = 0; i < count; ++i) block[i] = decode_word(d.format, words[i]);
    if (config_.validation_mode) {
      read_back->overwrite(folds[f], block.data());
      continue;
    }
    if (!by_fold && !read_back->record(folds[f], block.data())) {
      by_fold = true;
      float_folds.emplace(d, input);
      for (std::size_t g = 0; g < f; ++g) float_folds->add(folds[g], read_back->block(folds[g]).data());
    }
    if (by_fold) float_folds->add(folds[f], block.data());
  }
  if (from_dram && !weights_in_place) decode_words(d.format, weights, static_cast<std::size_t>(rows * k), read_back->data());

  // Activation pipeline: bias, then the clip unit, then the fp32 output words.
  std::vector<float> bias_values(static_cast<std::size_t>(rows)), scale_values(integer ? rows : 0);
  for (long o = 0; o < rows; ++o) {
    if (integer) scale_values[o] = decode_word(Format::fp32, scales[o]);
    else bias_values[o] = decode_word(d.format, bias[o]);
  }
  if (!integer && !config_.validation_mode && !by_fold) {
    const float* w = weights_in_place ? dram_span<float>(dram, d.weights, rows * k, "weights", index) : read_back->data();
    gemm_layer(d, input, w, bias_values.data(), accumulation_order(config_.dataflow, config_.array_rows), output);
  } else {
    const std::vector<float> sums = config_.validation_mode && !integer
                                        ? per_pe_product(d, config_, read_back->data(), float_folds->operand().data(), index)
                                        : std::vector<float>();
    std::vector<float> y(static_cast<std::size_t>(rows) * m);
    for (long o = 0; o < rows; ++o) {
      for (long j = 0; j < m; ++j) {
        const std::size_t at = static_cast<std::size_t>(o) * m + j;
        if (integer) {
          y[at] = dequantize_accumulator(int8_folds->sums()[at], static_cast<std::int32_t>(bias[o]), scale_values[o],
                                         d.input_scale);
        } else {
          y[at] = (config_.validation_mode ? sums[at] : float_folds->sums()[at]) + bias_values[o];
        }
      }
    }
    scatter_gemm_output(d, y.data(), output);
  }
  post_processing_unit(d, index, dram, output, result);
}

void LayerExecutor::run_vector(const LayerDescriptor& d, std::uint32_t index, DramView dram) {
  const int batch = static_cast<int>(d.batch);
  const std::size_t in_count = d.input_elements() * d.batch, out_count = d.output_elements() * d.batch;
  std::vector<float> input_copy, input2_copy, result_copy;
  const float* input = read_operand(d.input_on_chip, d.input, in_count, "input", index, dram, input_copy);
  if (d.op == LayerOp::concat && d.output_on_chip) {
    throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) + ": a concat writes DRAM only");
  }
  float* result = result_buffer(d, index, dram, result_copy);
  std::vector<float> unpooled(d.fused_pool == FusedPool::none ? 0 : out_count);
  float* output = d.fused_pool == FusedPool::none ? result : unpooled.data();
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
      const float* other = read_operand(d.input2_on_chip, d.input2, in_count, "second input", index, dram, input2_copy);
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
      for (int b = 0; b < batch; ++b) {
        act_sram_.stage(output + b * d.output_elements() + offset, d.input_elements(), stage_words(d, index));
      }
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
  post_processing_unit(d, index, dram, output, result);
}

void LayerExecutor::post_processing_unit(const LayerDescriptor& d, std::uint32_t index, DramView dram, float* values,
                                         float* result) {
  const std::size_t count = d.output_elements() * d.batch;
  if (d.residual) {
    std::vector<float> copy;
    add_elements(count, values, read_operand(d.input2_on_chip, d.input2, count, "residual input", index, dram, copy),
                 values);
  }
  post_process(d, index, values);
  const int batch = static_cast<int>(d.batch), channels = static_cast<int>(d.out_channels);
  switch (d.fused_pool) {
    case FusedPool::none:
      break;
    case FusedPool::max:
    case FusedPool::avg: {
      const PoolGeometry g{channels, static_cast<int>(d.out_height), static_cast<int>(d.out_width), d.pool};
      require_valid(g, index, "fused pool: ");
      require_pooled_plane(d, index, g.out_height(), g.out_width());
      if (d.fused_pool == FusedPool::max) max_pool_forward(g, batch, values, result, nullptr);
      else avg_pool_forward(g, batch, values, result);
      break;
    }
    case FusedPool::global_avg:
      require_pooled_plane(d, index, 1, 1);
      global_avg_pool_forward(batch, channels, static_cast<int>(d.out_height * d.out_width), values, result);
      break;
  }
  const std::uint64_t result_count = d.result_elements() * d.batch;
  if (d.output_on_chip) {
    act_sram_.store(d.output, result, result_count);  // the range was checked by result_buffer
  } else {
    act_sram_.stage(result, result_count, stage_words(d, index));
  }
}

std::uint64_t LayerExecutor::stage_words(const LayerDescriptor& d, std::uint32_t index) const {
  const std::uint64_t words = d.stage_words == 0 ? act_sram_.size() : d.stage_words;
  if (words < 4 || words > act_sram_.size()) {
    throw DeviceFault(DeviceError::sram_overflow, "descriptor " + std::to_string(index) + ": " + std::to_string(words) +
                                                      " staging words, the activation SRAM has " +
                                                      std::to_string(act_sram_.size()) + " (at least 4 needed)");
  }
  return words;
}

void LayerExecutor::check_on_chip(std::uint64_t address, std::uint64_t count, const char* what,
                                  std::uint32_t index) const {
  if (address > act_sram_.size() || count > act_sram_.size() - address) {
    throw DeviceFault(DeviceError::sram_overflow,
                      "descriptor " + std::to_string(index) + ": " + what + " at activation SRAM word " +
                          std::to_string(address) + " (" + std::to_string(count) + " words) runs past its " +
                          std::to_string(act_sram_.size()) + " words");
  }
}

const float* LayerExecutor::read_operand(bool on_chip, std::uint64_t address, std::uint64_t count, const char* what,
                                         std::uint32_t index, DramView dram, std::vector<float>& copy) {
  if (!on_chip) return dram_span<float>(dram, address, count, what, index);
  check_on_chip(address, count, what, index);
  copy.resize(count);
  act_sram_.read(address, copy.data(), count);
  return copy.data();
}

float* LayerExecutor::result_buffer(const LayerDescriptor& d, std::uint32_t index, DramView dram,
                                    std::vector<float>& copy) {
  const std::uint64_t count = d.result_elements() * d.batch;
  if (!d.output_on_chip) return dram_span<float>(dram, d.output, count, "output", index);
  check_on_chip(d.output, count, "output", index);
  copy.resize(count);
  return copy.data();
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
  const std::uint32_t unit = d.clip_unit;
  if (unit >= kClipUnits) {
    throw DeviceFault(DeviceError::bad_descriptor, "descriptor " + std::to_string(index) + ": clip unit " +
                                                       std::to_string(unit) + " >= " + std::to_string(kClipUnits));
  }
  std::vector<float> thresholds;
  const std::uint32_t length = csr_.clip_table_length(unit);
  if (length == 0) {
    thresholds.assign(1, csr_.clip_threshold(unit));
  } else {
    const std::uint32_t base = csr_.clip_table_base(unit);
    if (length != per_sample) {
      throw DeviceFault(DeviceError::bad_descriptor,
                        "descriptor " + std::to_string(index) + " has " + std::to_string(per_sample) +
                            " output elements, CLIP_TABLE_LENGTH[" + std::to_string(unit) + "] = " + std::to_string(length));
    }
    if (std::uint64_t{base} + length > csr_.threshold_table_words()) {
      throw DeviceFault(DeviceError::threshold_table_overflow,
                        "clip unit " + std::to_string(unit) + "'s window [" + std::to_string(base) + ", " +
                            std::to_string(std::uint64_t{base} + length) + ") runs past the threshold table's " +
                            std::to_string(csr_.threshold_table_words()) + " words");
    }
    // The clip unit loads its window once per layer (each word through the table's read hook).
    thresholds.resize(length);
    for (std::uint32_t j = 0; j < length; ++j) thresholds[j] = csr_.threshold_table_value(base + j);
  }
  clip_forward(*form, values, values, d.batch, per_sample, thresholds.data(), thresholds.size(), kDefaultSharpness,
               d.clamp);
}

}  // namespace proact
