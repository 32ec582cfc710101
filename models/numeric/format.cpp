#include "models/numeric/format.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "models/names.hpp"

namespace proact {
namespace {

std::uint32_t float_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float bits_float(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::uint32_t low_mask(Format format) {
  const int bits = format_bits(format);
  return bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
}

// Axis 0 indexes the scales of an integer tensor; a rank-0 tensor is one channel.
std::size_t channel_count(const Shape& shape) { return shape.empty() ? 1 : static_cast<std::size_t>(shape[0]); }

std::size_t channel_size(const Shape& shape) {
  const std::size_t channels = channel_count(shape);
  return channels == 0 ? 0 : shape_numel(shape) / channels;
}

std::string tensor_label(Format format, const Shape& shape) {
  return format_name(format) + " tensor " + shape_string(shape);
}

// Scales must be one positive finite value per axis-0 index for integer formats, absent otherwise.
void check_scales(Format format, const Shape& shape, const std::vector<float>& scales) {
  if (!format_is_integer(format)) {
    if (!scales.empty()) {
      throw std::invalid_argument(tensor_label(format, shape) + " takes no scales, got " +
                                  std::to_string(scales.size()));
    }
    return;
  }
  if (scales.size() != channel_count(shape)) {
    throw std::invalid_argument(tensor_label(format, shape) + " needs " + std::to_string(channel_count(shape)) +
                                " scales (one per index of axis 0), got " + std::to_string(scales.size()));
  }
  for (std::size_t c = 0; c < scales.size(); ++c) {
    if (!(scales[c] > 0.0f) || !std::isfinite(scales[c])) {
      throw std::invalid_argument("scale " + std::to_string(c) + " of " + tensor_label(format, shape) + " is " +
                                  std::to_string(scales[c]) + "; scales must be positive and finite");
    }
  }
}

// int8 per-channel scale: max|w| / 127 over the channel's finite values, 1 if that is zero.
std::vector<float> int8_scales(const Tensor& values) {
  const std::size_t channels = channel_count(values.shape());
  const std::size_t per_channel = channel_size(values.shape());
  std::vector<float> scales(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    float max_abs = 0.0f;
    for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i) {
      const float a = std::fabs(values[i]);
      if (std::isfinite(a) && a > max_abs) max_abs = a;
    }
    const float scale = max_abs / 127.0f;
    scales[c] = scale > 0.0f ? scale : 1.0f;
  }
  return scales;
}

}  // namespace

namespace {

const NameTable<Format>& format_table() {
  static const NameTable<Format> table(
      "number format", {
      {Format::fp32, "fp32"}, {Format::fp16, "fp16"}, {Format::bf16, "bf16"}, {Format::int8, "int8"},
      {Format::int32, "int32"}, {Format::q15_16, "q15.16"}, {Format::q15_16, "q15_16"}});
  return table;
}

}  // namespace

Format parse_format(const std::string& name) { return format_table().parse(name); }

std::string format_name(Format format) { return format_table().name(format); }

int format_bits(Format format) {
  switch (format) {
    case Format::fp16:
    case Format::bf16: return 16;
    case Format::int8: return 8;
    case Format::fp32:
    case Format::int32:
    case Format::q15_16: return 32;
  }
  throw std::invalid_argument("invalid Format value");
}

bool format_is_integer(Format format) { return format == Format::int8 || format == Format::int32; }

std::uint32_t encode_word(Format format, float value, float scale) {
  switch (format) {
    case Format::fp32: return float_bits(value);
    case Format::fp16: return float_to_fp16(value);
    case Format::bf16: return float_to_bf16(value);
    case Format::int8: return static_cast<std::uint8_t>(quantize_symmetric(value, scale, 8));
    case Format::int32: return static_cast<std::uint32_t>(quantize_symmetric(value, scale, 32));
    case Format::q15_16: return static_cast<std::uint32_t>(q15_16_quantize(value));
  }
  throw std::invalid_argument("invalid Format value");
}

float decode_word(Format format, std::uint32_t word, float scale) {
  switch (format) {
    case Format::fp32: return bits_float(word);
    case Format::fp16: return fp16_to_float(static_cast<std::uint16_t>(word));
    case Format::bf16: return bf16_to_float(static_cast<std::uint16_t>(word));
    case Format::int8:
      return static_cast<float>(static_cast<std::int8_t>(word & 0xFFu) * static_cast<double>(scale));
    case Format::int32:
      return static_cast<float>(static_cast<std::int32_t>(word) * static_cast<double>(scale));
    case Format::q15_16: return q15_16_to_float(static_cast<std::int32_t>(word));
  }
  throw std::invalid_argument("invalid Format value");
}

void decode_words(Format format, const std::uint32_t* words, std::size_t count, float* out, float scale) {
  if (format == Format::fp32) {
    std::memcpy(out, words, count * sizeof(float));
    return;
  }
  for (std::size_t i = 0; i < count; ++i) out[i] = decode_word(format, words[i], scale);
}

std::uint32_t flip_bit(Format format, std::uint32_t word, int bit) {
  const int bits = format_bits(format);
  if (bit < 0 || bit >= bits) {
    throw std::out_of_range("bit " + std::to_string(bit) + " is outside a " + std::to_string(bits) + "-bit " +
                            format_name(format) + " word (valid bits 0.." + std::to_string(bits - 1) + ")");
  }
  return (word ^ (1u << bit)) & low_mask(format);
}

std::uint16_t float_to_fp16(float value) {
  const std::uint32_t bits = float_bits(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t exponent = (bits >> 23) & 0xFFu;
  const std::uint32_t mantissa = bits & 0x7FFFFFu;
  if (exponent == 0xFFu) {  // inf stays inf; NaN keeps its top payload bits and is quietened
    return static_cast<std::uint16_t>(sign | 0x7C00u | (mantissa ? 0x0200u | (mantissa >> 13) : 0u));
  }
  const int e = static_cast<int>(exponent) - 127;
  if (e > 15) return static_cast<std::uint16_t>(sign | 0x7C00u);
  if (e >= -14) {  // binary16 normal; a rounding carry may ripple into the exponent, up to inf
    std::uint32_t half = (static_cast<std::uint32_t>(e + 15) << 10) | (mantissa >> 13);
    const std::uint32_t rest = mantissa & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  if (e < -25) return sign;  // below half the smallest subnormal (float subnormals included)
  // binary16 subnormal: units of 2^-24; the full significand is shifted right by -e-1 (14..24).
  const std::uint32_t significand = mantissa | 0x800000u;
  const int shift = -e - 1;
  std::uint32_t half = significand >> shift;
  const std::uint32_t rest = significand & ((1u << shift) - 1u);
  const std::uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
  return static_cast<std::uint16_t>(sign | half);
}

float fp16_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1Fu;
  const std::uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0x1Fu) return bits_float(sign | 0x7F800000u | (mantissa ? 0x400000u | (mantissa << 13) : 0u));
  if (exponent == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // exact
    return sign ? -magnitude : magnitude;
  }
  return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

std::uint16_t float_to_bf16(float value) {
  const std::uint32_t bits = float_bits(value);
  if (std::isnan(value)) return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);
  return static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

float bf16_to_float(std::uint16_t bits) { return bits_float(static_cast<std::uint32_t>(bits) << 16); }

std::int32_t q15_16_quantize(float w) {
  const double raw = std::trunc(static_cast<double>(w) * 65536.0);  // exact: w * 2^16 fits a double
  if (std::isnan(raw)) return 0;
  if (raw >= 2147483647.0) return std::numeric_limits<std::int32_t>::max();
  if (raw <= -2147483648.0) return std::numeric_limits<std::int32_t>::min();
  return static_cast<std::int32_t>(raw);
}

float q15_16_to_float(std::int32_t raw) { return static_cast<float>(static_cast<double>(raw) / 65536.0); }

std::int32_t quantize_symmetric(float value, float scale, int bits) {
  if (bits < 2 || bits > 32) {
    throw std::invalid_argument("quantize_symmetric: bits is " + std::to_string(bits) + ", expected 2..32");
  }
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    throw std::invalid_argument("quantize_symmetric: scale is " + std::to_string(scale) +
                                ", expected a positive finite value");
  }
  const double limit = static_cast<double>((std::int64_t{1} << (bits - 1)) - 1);
  const double q = std::nearbyint(static_cast<double>(value) / static_cast<double>(scale));
  if (std::isnan(q)) return 0;
  if (q >= limit) return static_cast<std::int32_t>(limit);
  if (q <= -limit) return static_cast<std::int32_t>(-limit);
  return static_cast<std::int32_t>(q);
}

float dequantize_accumulator(std::int32_t acc, std::int32_t bias, float weight_scale, float input_scale) {
  const float scale = weight_scale * input_scale;
  const auto sum = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) + static_cast<std::uint32_t>(bias));
  return static_cast<float>(sum) * scale;
}

float StoredTensor::scale_of(std::size_t element) const {
  return format_is_integer(format) ? scales[element / channel_size(shape)] : 1.0f;
}

StoredTensor encode_tensor(const Tensor& values, Format format, std::vector<float> scales) {
  StoredTensor stored;
  stored.format = format;
  stored.shape = values.shape();
  if (format == Format::int8 && scales.empty()) {
    stored.scales = int8_scales(values);
  } else {
    check_scales(format, stored.shape, scales);
    stored.scales = std::move(scales);
  }
  const std::size_t per_channel = channel_size(stored.shape);
  stored.words.resize(values.size());
  for (std::size_t c = 0; per_channel && c < channel_count(stored.shape); ++c) {
    const float scale = format_is_integer(format) ? stored.scales[c] : 1.0f;
    for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i) {
      stored.words[i] = encode_word(format, values[i], scale);
    }
  }
  return stored;
}

Tensor decode_tensor(const StoredTensor& stored) {
  Tensor values(stored.shape);
  decode_into(stored, values.data());
  return values;
}

void decode_into(const StoredTensor& stored, float* out) {
  check_scales(stored.format, stored.shape, stored.scales);
  if (stored.words.size() != shape_numel(stored.shape)) {
    throw std::invalid_argument(tensor_label(stored.format, stored.shape) + " needs " +
                                std::to_string(shape_numel(stored.shape)) + " words, got " +
                                std::to_string(stored.words.size()));
  }
  const std::size_t per_channel = channel_size(stored.shape);
  for (std::size_t c = 0; per_channel && c < channel_count(stored.shape); ++c) {
    const float scale = format_is_integer(stored.format) ? stored.scales[c] : 1.0f;
    decode_words(stored.format, stored.words.data() + c * per_channel, per_channel, out + c * per_channel, scale);
  }
}

}  // namespace proact
