#pragma once
// Storage formats: how a value sits in memory as a word of bits, how it is read back, and how a
// bit flip changes it. This is the one numeric contract shared by the SystemC datapath, the
// functional engine and the trainer (docs/design.md 2.5 and section 4).
//
// A stored word uses the low format_bits(format) bits of a std::uint32_t; bit 0 is the LSB and,
// for the signed formats (int8, int32, Q15.16), the top bit is the two's-complement sign.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/tensor.hpp"

namespace proact {

enum class Format { fp32, fp16, bf16, int8, int32, q15_16 };

// "fp32", "fp16", "bf16", "int8", "int32", "q15.16" (also "q15_16"); throws std::invalid_argument.
Format parse_format(const std::string& name);
std::string format_name(Format format);  // canonical name, "q15.16" for Format::q15_16
int format_bits(Format format);          // 32, 16, 16, 8, 32, 32
bool format_is_integer(Format format);   // int8 and int32: scaled integers, value = q * scale

// `scale` only matters for int8/int32 (value = q * scale) and must then be positive and finite.
std::uint32_t encode_word(Format format, float value, float scale = 1.0f);
float decode_word(Format format, std::uint32_t word, float scale = 1.0f);
// decode_word of `count` words with one scale into out[0, count) (fp32: a copy of the bits).
void decode_words(Format format, const std::uint32_t* words, std::size_t count, float* out, float scale = 1.0f);
// word with `bit` inverted; throws std::out_of_range unless 0 <= bit < format_bits(format).
std::uint32_t flip_bit(Format format, std::uint32_t word, int bit);

// IEEE binary16: round to nearest even, overflow to inf, subnormals exact; NaN stays a quiet NaN.
std::uint16_t float_to_fp16(float value);
float fp16_to_float(std::uint16_t bits);
// bfloat16 (upper half of a binary32): round to nearest even; NaN stays NaN (quietened).
std::uint16_t float_to_bf16(float value);
float bf16_to_float(std::uint16_t bits);

// Q15.16 (docs/design.md section 4): raw = clamp(trunc(w * 2^16), INT32_MIN, INT32_MAX), NaN -> 0.
std::int32_t q15_16_quantize(float w);
float q15_16_to_float(std::int32_t raw);  // (float)((double)raw / 65536)

// clamp(nearbyint(value / scale), -(2^(bits-1) - 1), 2^(bits-1) - 1) computed in double; NaN -> 0.
// Throws std::invalid_argument unless 2 <= bits <= 32 and scale is positive and finite.
std::int32_t quantize_symmetric(float value, float scale, int bits);

// The int8 datapath's output stage: (acc + bias) with the two's-complement wrap-around of a
// 32-bit adder, times weight_scale * input_scale (that product rounded to float first).
float dequantize_accumulator(std::int32_t acc, std::int32_t bias, float weight_scale, float input_scale);

// A tensor as it sits in memory.
struct StoredTensor {
  Format format = Format::fp32;
  Shape shape;                       // logical shape, e.g. conv weight (out, in, kh, kw)
  std::vector<std::uint32_t> words;  // one stored word per element, row-major
  std::vector<float> scales;         // int8/int32 only: one per index of axis 0; empty otherwise

  // scales[element / (numel / shape[0])] for integer formats, 1 otherwise.
  float scale_of(std::size_t element) const;
};

// int8: per-output-channel (axis 0) symmetric scale = max|w| / 127 over the channel's finite
// values (1 if that is zero), computed here when `scales` is empty.
// int32: `scales` is required, one per axis-0 index (for a rank-1 bias, one per element).
// Other formats take no scales. Throws std::invalid_argument on a missing or wrong-sized scale
// list or a scale that is not positive and finite.
StoredTensor encode_tensor(const Tensor& values, Format format, std::vector<float> scales = {});
// Throws std::invalid_argument when words or scales do not match the shape.
Tensor decode_tensor(const StoredTensor& stored);
// decode_tensor into `out` (shape_numel(stored.shape) floats) without allocating.
void decode_into(const StoredTensor& stored, float* out);

}  // namespace proact
