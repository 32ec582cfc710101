// Storage formats: names, Q15.16 (the paper's fault protocol), IEEE fp32/fp16/bf16 rounding and
// bit flips, per-channel int8 and scaled int32 tensors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "hw/faults/fault_hook.hpp"
#include "models/kernels/gemm.hpp"
#include "models/names.hpp"
#include "models/numeric/format.hpp"
#include "models/random.hpp"
#include "testbenches/tensor_helpers.hpp"

using namespace proact;
using proact::testing::float_bits;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinULP;

namespace {

float float_of(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

bool fp16_is_nan(std::uint16_t h) { return (h & 0x7C00u) == 0x7C00u && (h & 0x03FFu) != 0; }
bool bf16_is_nan(std::uint16_t h) { return (h & 0x7F80u) == 0x7F80u && (h & 0x007Fu) != 0; }

// Naive reference: the nearest binary16 magnitude (ties to the even pattern), where the pattern
// after the largest finite one (inf, 0x7C00) stands for 2^16, as IEEE overflow rounding has it.
std::uint16_t reference_fp16(float value) {
  static const std::vector<double> magnitudes = [] {
    std::vector<double> m;
    for (std::uint32_t h = 0; h < 0x7C00u; ++h) m.push_back(fp16_to_float(static_cast<std::uint16_t>(h)));
    m.push_back(65536.0);
    return m;
  }();
  const auto sign = static_cast<std::uint16_t>(std::signbit(value) ? 0x8000u : 0u);
  const double a = std::fabs(static_cast<double>(value));
  if (a >= 65536.0) return static_cast<std::uint16_t>(sign | 0x7C00u);
  const auto hi = static_cast<std::size_t>(std::lower_bound(magnitudes.begin(), magnitudes.end(), a) - magnitudes.begin());
  if (magnitudes[hi] == a) return static_cast<std::uint16_t>(sign | hi);
  const std::size_t lo = hi - 1;
  const double below = a - magnitudes[lo], above = magnitudes[hi] - a;
  const std::size_t pick = below < above ? lo : above < below ? hi : (lo % 2 == 0 ? lo : hi);
  return static_cast<std::uint16_t>(sign | pick);
}

// Naive reference for bf16: the nearer of the two bf16 neighbours by truncation (ties to even);
// the pattern after the largest finite one stands for 2^128, i.e. inf.
std::uint16_t reference_bf16(float value) {
  const auto truncated = static_cast<std::uint16_t>(float_bits(value) >> 16);
  const auto next = static_cast<std::uint16_t>(truncated + 1);
  const auto magnitude = [](std::uint16_t h) {
    return (h & 0x7FFFu) == 0x7F80u ? std::ldexp(1.0, 128) : std::fabs(static_cast<double>(bf16_to_float(h)));
  };
  const double a = std::fabs(static_cast<double>(value));
  const double below = a - magnitude(truncated), above = magnitude(next) - a;
  if (below < above) return truncated;
  if (above < below) return next;
  return truncated % 2 == 0 ? truncated : next;
}

// A float with a random significand and an exponent in [min_exp, max_exp] (-127: subnormal);
// every fourth one sits exactly on a rounding tie when `dropped` low significand bits are cut.
float random_float(Rng& rng, int min_exp, int max_exp, int dropped) {
  const std::uint64_t r = rng.next();
  const auto exponent = static_cast<std::uint32_t>(127 + min_exp + static_cast<int>(rng.uniform_int(max_exp - min_exp + 1)));
  std::uint32_t mantissa = static_cast<std::uint32_t>(r) & 0x7FFFFFu;
  if ((r >> 32) % 4 == 0) mantissa = (mantissa & ~((1u << dropped) - 1u)) | (1u << (dropped - 1));
  return float_of(static_cast<std::uint32_t>((r >> 40) & 1u) << 31 | exponent << 23 | mantissa);
}

}  // namespace

TEST_CASE("format names, widths and parsing", "[format]") {
  SECTION("every format round-trips through its name") {
    const Format format = GENERATE(Format::fp32, Format::fp16, Format::bf16, Format::int8, Format::int32, Format::q15_16);
    CHECK(parse_format(format_name(format)) == format);
  }
  SECTION("canonical names, widths and integer flags") {
    CHECK(format_name(Format::q15_16) == "q15.16");
    CHECK(parse_format("q15_16") == Format::q15_16);
    CHECK(format_bits(Format::fp32) == 32);
    CHECK(format_bits(Format::fp16) == 16);
    CHECK(format_bits(Format::bf16) == 16);
    CHECK(format_bits(Format::int8) == 8);
    CHECK(format_bits(Format::int32) == 32);
    CHECK(format_bits(Format::q15_16) == 32);
    CHECK(format_is_integer(Format::int8));
    CHECK(format_is_integer(Format::int32));
    CHECK_FALSE(format_is_integer(Format::fp32));
    CHECK_FALSE(format_is_integer(Format::q15_16));
  }
  SECTION("unknown names are rejected with the list of valid ones") {
    const std::string name = GENERATE("", "fp64", "FP32", "q15.15", "int4");
    CHECK_THROWS_AS(parse_format(name), std::invalid_argument);
    CHECK_THROWS_WITH(parse_format(name), Contains("unknown number format '" + name + "'") && Contains("q15.16"));
  }
}

TEST_CASE("Q15.16 bit flips match the paper's check values", "[format][q15_16]") {
  const auto [w, bit, expected] = GENERATE(table<float, int, double>({
      {0.15625f, 0, 0.1562652587890625},
      {0.15625f, 16, 1.15625},
      {0.15625f, 31, -32767.84375},
      {1.0f, 16, 0.0},
      {1.0f, 30, 16385.0},
  }));
  const std::uint32_t word = encode_word(Format::q15_16, w);
  CHECK(decode_word(Format::q15_16, word) == w);
  const std::uint32_t flipped = flip_bit(Format::q15_16, word, bit);
  CHECK(flipped == (word ^ (1u << bit)));
  CHECK_THAT(decode_word(Format::q15_16, flipped), WithinULP(static_cast<float>(expected), 0));
}

TEST_CASE("Q15.16 quantisation truncates toward zero and saturates", "[format][q15_16]") {
  SECTION("exact values") {
    CHECK(q15_16_quantize(0.15625f) == 10240);
    CHECK(q15_16_quantize(1.0f) == 65536);
    CHECK(q15_16_quantize(-1.0f) == -65536);
    CHECK(q15_16_quantize(0.0f) == 0);
  }
  SECTION("truncation toward zero, also for negatives") {
    CHECK(q15_16_quantize(1.75f / 65536.0f) == 1);
    CHECK(q15_16_quantize(-1.75f / 65536.0f) == -1);
    CHECK(q15_16_quantize(-0.5f / 65536.0f) == 0);
    CHECK(q15_16_quantize(-1.5f) == -98304);
    CHECK(q15_16_quantize(-0.15625f - 0.9f / 65536.0f) == -10240);
  }
  SECTION("saturation at +-32768") {
    CHECK(q15_16_quantize(32767.0f) == 32767 * 65536);
    CHECK(q15_16_quantize(32768.0f) == std::numeric_limits<std::int32_t>::max());
    CHECK(q15_16_quantize(1e9f) == std::numeric_limits<std::int32_t>::max());
    CHECK(q15_16_quantize(-32768.0f) == std::numeric_limits<std::int32_t>::min());
    CHECK(q15_16_quantize(-1e9f) == std::numeric_limits<std::int32_t>::min());
    CHECK(q15_16_quantize(std::numeric_limits<float>::infinity()) == std::numeric_limits<std::int32_t>::max());
    CHECK(q15_16_quantize(-std::numeric_limits<float>::infinity()) == std::numeric_limits<std::int32_t>::min());
    CHECK_THAT(q15_16_to_float(std::numeric_limits<std::int32_t>::min()), WithinULP(-32768.0f, 0));
  }
  SECTION("NaN quantises to 0") { CHECK(q15_16_quantize(std::numeric_limits<float>::quiet_NaN()) == 0); }
}

TEST_CASE("fp32 words are the IEEE bit pattern", "[format][fp32]") {
  const std::uint32_t one = encode_word(Format::fp32, 1.0f);
  CHECK(one == 0x3F800000u);
  SECTION("bit 30 of 1.0 gives +inf") {
    const float v = decode_word(Format::fp32, flip_bit(Format::fp32, one, 30));
    CHECK(std::isinf(v));
    CHECK(v > 0.0f);
  }
  SECTION("bit 31 is the sign") { CHECK_THAT(decode_word(Format::fp32, flip_bit(Format::fp32, one, 31)), WithinULP(-1.0f, 0)); }
  SECTION("flipping a mantissa bit of inf gives NaN, and NaN/inf decode and re-encode") {
    const std::uint32_t inf = flip_bit(Format::fp32, one, 30);
    const std::uint32_t nan = flip_bit(Format::fp32, inf, 0);
    CHECK(std::isnan(decode_word(Format::fp32, nan)));
    CHECK(encode_word(Format::fp32, decode_word(Format::fp32, nan)) == nan);
    CHECK(encode_word(Format::fp32, decode_word(Format::fp32, inf)) == inf);
  }
}

TEST_CASE("fp16 conversion rounds to nearest even", "[format][fp16]") {
  SECTION("exact values") {
    CHECK(float_to_fp16(1.0f) == 0x3C00u);
    CHECK(float_to_fp16(-2.0f) == 0xC000u);
    CHECK(float_to_fp16(65504.0f) == 0x7BFFu);
    CHECK(float_to_fp16(0.0f) == 0x0000u);
    CHECK(float_to_fp16(-0.0f) == 0x8000u);
    CHECK_THAT(fp16_to_float(0x3555u), WithinULP(0.333251953125f, 0));
  }
  SECTION("ties go to the even significand") {
    CHECK(float_to_fp16(1.0f + 0x1p-11f) == 0x3C00u);              // between 0x3C00 and 0x3C01
    CHECK(float_to_fp16(1.0f + 3 * 0x1p-11f) == 0x3C02u);          // between 0x3C01 and 0x3C02
    CHECK(float_to_fp16(1.0f + 0x1p-11f + 0x1p-20f) == 0x3C01u);   // just above the tie
    CHECK(float_to_fp16(-(1.0f + 3 * 0x1p-11f)) == 0xBC02u);
  }
  SECTION("overflow to inf") {
    CHECK(float_to_fp16(65519.99f) == 0x7BFFu);
    CHECK(float_to_fp16(65520.0f) == 0x7C00u);  // tie with odd 0x7BFF rounds up to inf
    CHECK(float_to_fp16(1e6f) == 0x7C00u);
    CHECK(float_to_fp16(-1e30f) == 0xFC00u);
    CHECK(float_to_fp16(std::numeric_limits<float>::infinity()) == 0x7C00u);
    CHECK(std::isinf(fp16_to_float(0xFC00u)));
  }
  SECTION("subnormals") {
    CHECK(float_to_fp16(0x1p-24f) == 0x0001u);
    CHECK(float_to_fp16(0x1p-25f) == 0x0000u);            // tie with 0 rounds to even
    CHECK(float_to_fp16(0x1p-25f * 1.0001f) == 0x0001u);
    CHECK(float_to_fp16(3 * 0x1p-25f) == 0x0002u);        // tie between 1 and 2
    CHECK(float_to_fp16(5 * 0x1p-25f) == 0x0002u);        // tie between 2 and 3
    CHECK(float_to_fp16(0x1p-14f - 0x1p-25f) == 0x0400u); // rounds up into the smallest normal
    CHECK(float_to_fp16(-0x1p-26f) == 0x8000u);
    CHECK(float_to_fp16(std::numeric_limits<float>::denorm_min()) == 0x0000u);
    CHECK_THAT(fp16_to_float(0x03FFu), WithinULP(1023 * 0x1p-24f, 0));
    CHECK_THAT(fp16_to_float(0x8001u), WithinULP(-0x1p-24f, 0));
  }
  SECTION("NaN stays a quiet NaN both ways") {
    const std::uint16_t h = float_to_fp16(std::numeric_limits<float>::quiet_NaN());
    CHECK(fp16_is_nan(h));
    CHECK((h & 0x0200u) != 0);
    CHECK(fp16_is_nan(float_to_fp16(float_of(0x7F800001u))));  // signalling NaN with a low payload
    const float f = fp16_to_float(0x7C01u);
    CHECK(std::isnan(f));
    CHECK((float_bits(f) & 0x00400000u) != 0);
  }
}

TEST_CASE("fp16: every pattern decodes and re-encodes to itself (NaN payloads aside)", "[format][fp16]") {
  for (std::uint32_t h = 0; h <= 0xFFFFu; ++h) {
    const auto pattern = static_cast<std::uint16_t>(h);
    const float f = fp16_to_float(pattern);
    if (fp16_is_nan(pattern)) {
      if (!std::isnan(f) || !fp16_is_nan(float_to_fp16(f))) FAIL("NaN pattern " << h << " lost its NaN");
    } else if (float_to_fp16(f) != pattern) {
      FAIL("pattern " << h << " decodes to " << f << " and re-encodes to " << float_to_fp16(f));
    }
  }
  SUCCEED();
}

TEST_CASE("fp16 and bf16 encoders agree with naive nearest-value references", "[format][fp16][bf16]") {
  Rng rng(20240611);
  for (int n = 0; n < 200000; ++n) {
    const float fp16_input = random_float(rng, -30, 17, 13);
    if (float_to_fp16(fp16_input) != reference_fp16(fp16_input)) {
      FAIL("fp16 of " << float_bits(fp16_input) << ": got " << float_to_fp16(fp16_input) << ", want "
                      << reference_fp16(fp16_input));
    }
    const float bf16_input = random_float(rng, -127, 127, 16);
    if (float_to_bf16(bf16_input) != reference_bf16(bf16_input)) {
      FAIL("bf16 of " << float_bits(bf16_input) << ": got " << float_to_bf16(bf16_input) << ", want "
                      << reference_bf16(bf16_input));
    }
  }
  SUCCEED();
}

TEST_CASE("bf16 conversion rounds to nearest even and keeps NaN", "[format][bf16]") {
  SECTION("exact values and ties") {
    CHECK(float_to_bf16(1.0f) == 0x3F80u);
    CHECK_THAT(bf16_to_float(0x3F80u), WithinULP(1.0f, 0));
    CHECK(float_to_bf16(float_of(0x3F808000u)) == 0x3F80u);  // tie, even below
    CHECK(float_to_bf16(float_of(0x3F818000u)) == 0x3F82u);  // tie, even above
    CHECK(float_to_bf16(float_of(0x3F808001u)) == 0x3F81u);
    CHECK(float_to_bf16(float_of(0xBF818000u)) == 0xBF82u);
  }
  SECTION("subnormals and overflow") {
    CHECK(float_to_bf16(float_of(0x00008000u)) == 0x0000u);
    CHECK(float_to_bf16(float_of(0x00018000u)) == 0x0002u);
    CHECK(bf16_to_float(0x0001u) == float_of(0x00010000u));
    CHECK(float_to_bf16(std::numeric_limits<float>::max()) == 0x7F80u);
    CHECK(float_to_bf16(-std::numeric_limits<float>::max()) == 0xFF80u);
    CHECK(float_to_bf16(float_of(0x7F7F7FFFu)) == 0x7F7Fu);
  }
  SECTION("NaN never rounds into inf or wraps") {
    const std::uint32_t nan_bits = GENERATE(0x7FFFFFFFu, 0x7F800001u, 0x7FC00000u, 0xFFFFFFFFu, 0xFF808000u);
    const std::uint16_t h = float_to_bf16(float_of(nan_bits));
    CHECK(bf16_is_nan(h));
    CHECK((h & 0x8000u) == ((nan_bits >> 16) & 0x8000u));
    CHECK(std::isnan(bf16_to_float(h)));
  }
  SECTION("every pattern decodes and re-encodes to itself (NaN payloads aside)") {
    std::vector<std::uint32_t> changed;  // patterns that do not come back
    for (std::uint32_t h = 0; h <= 0xFFFFu; ++h) {
      const auto pattern = static_cast<std::uint16_t>(h);
      const std::uint16_t again = float_to_bf16(bf16_to_float(pattern));
      if (bf16_is_nan(pattern) ? !bf16_is_nan(again) : again != pattern) changed.push_back(h);
    }
    CHECK(changed.empty());
  }
}

TEST_CASE("16-bit words through encode_word, decode_word and flip_bit", "[format]") {
  CHECK(encode_word(Format::fp16, 1.0f) == 0x3C00u);
  CHECK(encode_word(Format::bf16, 1.0f) == 0x3F80u);
  CHECK(std::isinf(decode_word(Format::fp16, flip_bit(Format::fp16, 0x3C00u, 14))));
  CHECK_THAT(decode_word(Format::bf16, flip_bit(Format::bf16, 0x3F80u, 15)), WithinULP(-1.0f, 0));
  CHECK(std::isnan(decode_word(Format::fp16, flip_bit(Format::fp16, 0x7C00u, 3))));
}

TEST_CASE("flip_bit is an involution within the format's width and rejects other bits", "[format]") {
  const Format format = GENERATE(Format::fp32, Format::fp16, Format::bf16, Format::int8, Format::int32, Format::q15_16);
  const int bits = format_bits(format);
  const std::uint32_t word = encode_word(format, 0.75f, 0.01f);
  for (int bit = 0; bit < bits; ++bit) {
    const std::uint32_t flipped = flip_bit(format, word, bit);
    CHECK(flipped != word);
    CHECK((bits == 32 || flipped < (1u << bits)));
    CHECK(flip_bit(format, flipped, bit) == word);
  }
  CHECK_THROWS_AS(flip_bit(format, word, -1), std::out_of_range);
  CHECK_THROWS_AS(flip_bit(format, word, bits), std::out_of_range);
  CHECK_THROWS_WITH(flip_bit(format, word, bits),
                    Contains("bit " + std::to_string(bits)) && Contains(std::to_string(bits) + "-bit"));
}

TEST_CASE("symmetric quantisation rounds half to even and saturates", "[format][int]") {
  CHECK(quantize_symmetric(2.5f, 1.0f, 8) == 2);
  CHECK(quantize_symmetric(3.5f, 1.0f, 8) == 4);
  CHECK(quantize_symmetric(-2.5f, 1.0f, 8) == -2);
  CHECK(quantize_symmetric(0.3f, 0.1f, 8) == 3);
  CHECK(quantize_symmetric(1000.0f, 1.0f, 8) == 127);
  CHECK(quantize_symmetric(-1000.0f, 1.0f, 8) == -127);
  CHECK(quantize_symmetric(std::numeric_limits<float>::quiet_NaN(), 1.0f, 8) == 0);
  CHECK(quantize_symmetric(3e9f, 1.0f, 32) == 2147483647);
  CHECK(quantize_symmetric(-3e9f, 1.0f, 32) == -2147483647);
  CHECK(quantize_symmetric(-std::numeric_limits<float>::infinity(), 1.0f, 32) == -2147483647);
  CHECK(quantize_symmetric(1e9f, 0.5f, 32) == 2000000000);
  CHECK_THROWS_AS(quantize_symmetric(1.0f, 0.0f, 8), std::invalid_argument);
  CHECK_THROWS_AS(quantize_symmetric(1.0f, -1.0f, 8), std::invalid_argument);
  CHECK_THROWS_AS(quantize_symmetric(1.0f, std::numeric_limits<float>::infinity(), 8), std::invalid_argument);
  CHECK_THROWS_AS(quantize_symmetric(1.0f, 1.0f, 33), std::invalid_argument);
}

TEST_CASE("int8 tensors use one symmetric scale per output channel", "[format][int8]") {
  // (3, 2, 2): channel 0 peaks at 1.27, channel 1 is all zero, channel 2 peaks at -0.5.
  const Tensor weights({3, 2, 2}, {1.27f, -0.3f, 0.0f, 0.635f, 0, 0, 0, 0, 0.1f, -0.5f, 0.25f, 0.01f});
  const StoredTensor stored = encode_tensor(weights, Format::int8);
  SECTION("scales and words") {
    REQUIRE(stored.scales.size() == 3);
    CHECK(stored.scales[0] == 1.27f / 127.0f);
    CHECK(stored.scales[1] == 1.0f);
    CHECK(stored.scales[2] == 0.5f / 127.0f);
    CHECK(stored.scale_of(3) == stored.scales[0]);
    CHECK(stored.scale_of(4) == stored.scales[1]);
    CHECK(stored.scale_of(11) == stored.scales[2]);
    CHECK(stored.words[0] == 127u);
    CHECK(stored.words[9] == 0x81u);  // -127
    CHECK(stored.words[4] == 0u);
  }
  SECTION("round trip error is at most half a scale step") {
    const Tensor decoded = decode_tensor(stored);
    REQUIRE(decoded.shape() == weights.shape());
    for (std::size_t i = 0; i < weights.size(); ++i) {
      CHECK(std::fabs(decoded[i] - weights[i]) <= stored.scale_of(i) / 2 * (1 + 1e-6f));
    }
  }
  SECTION("the sign bit of +127 gives -1 step") {
    CHECK_THAT(decode_word(Format::int8, flip_bit(Format::int8, stored.words[0], 7), stored.scales[0]),
               WithinULP(-stored.scales[0], 0));
    CHECK_THAT(decode_word(Format::int8, 0x80u, 1.0f), WithinULP(-128.0f, 0));
  }
  SECTION("given scales are used, checked and saturate") {
    const StoredTensor given = encode_tensor(weights, Format::int8, {0.01f, 0.01f, 0.01f});
    CHECK(given.words[0] == 127u);
    CHECK(static_cast<std::int8_t>(given.words[1]) == -30);
    CHECK_THROWS_AS(encode_tensor(weights, Format::int8, {0.01f, 0.01f}), std::invalid_argument);
    CHECK_THROWS_AS(encode_tensor(weights, Format::int8, {0.01f, 0.0f, 0.01f}), std::invalid_argument);
  }
  SECTION("non-finite values do not set the scale and saturate") {
    const Tensor odd({2, 2}, {std::numeric_limits<float>::infinity(), 0.5f,
                              std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()});
    const StoredTensor s = encode_tensor(odd, Format::int8);
    CHECK(s.scales[0] == 0.5f / 127.0f);
    CHECK(s.scales[1] == 1.0f);
    CHECK(s.words[0] == 127u);
    CHECK(s.words[2] == 0u);
    CHECK(s.words[3] == 0x81u);
  }
}

TEST_CASE("random int8 tensors round-trip within half a step", "[format][int8]") {
  Rng rng(7);
  const Shape shape = GENERATE(Shape{4, 3, 3, 3}, Shape{10, 7}, Shape{5});
  Tensor weights(shape);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = rng.normal() * 0.2f;
  const StoredTensor stored = encode_tensor(weights, Format::int8);
  CHECK(stored.scales.size() == static_cast<std::size_t>(shape[0]));
  std::vector<float> decoded(weights.size());
  decode_into(stored, decoded.data());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    CHECK(std::fabs(decoded[i] - weights[i]) <= stored.scale_of(i) / 2 * (1 + 1e-6f));
  }
}

TEST_CASE("int32 tensors need their scales", "[format][int32]") {
  const Tensor bias({3}, {0.5f, -1.25f, 100.0f});
  CHECK_THROWS_AS(encode_tensor(bias, Format::int32), std::invalid_argument);
  CHECK_THROWS_AS(encode_tensor(bias, Format::int32, {0.25f}), std::invalid_argument);
  const StoredTensor stored = encode_tensor(bias, Format::int32, {0.25f, 0.5f, 1e-3f});
  CHECK(stored.words[0] == 2u);
  CHECK(static_cast<std::int32_t>(stored.words[1]) == -2);  // -2.5 rounds to even
  CHECK(stored.words[2] == 100000u);
  CHECK(stored.scale_of(2) == 1e-3f);
  const Tensor decoded = decode_tensor(stored);
  CHECK_THAT(decoded[0], WithinULP(0.5f, 0));
  CHECK_THAT(decoded[1], WithinULP(-1.0f, 0));
  CHECK_THAT(decoded[2], WithinULP(100.0f, 1));
  CHECK_THAT(decode_word(Format::int32, flip_bit(Format::int32, stored.words[0], 31), 0.25f),
             WithinULP(static_cast<float>((2.0 - 2147483648.0) * 0.25), 0));
}

TEST_CASE("float-format tensors encode element-wise and take no scales", "[format]") {
  const Format format = GENERATE(Format::fp32, Format::fp16, Format::bf16, Format::q15_16);
  const Tensor values({2, 3}, {0.1f, -2.5f, 3.0f, 1e-3f, 7.75f, -0.0f});
  const StoredTensor stored = encode_tensor(values, format);
  CHECK(stored.format == format);
  CHECK(stored.shape == values.shape());
  CHECK(stored.scales.empty());
  CHECK(stored.scale_of(4) == 1.0f);
  const Tensor decoded = decode_tensor(stored);
  for (std::size_t i = 0; i < values.size(); ++i) {
    CHECK(stored.words[i] == encode_word(format, values[i]));
    CHECK(float_bits(decoded[i]) == float_bits(decode_word(format, stored.words[i])));
  }
  CHECK_THROWS_AS(encode_tensor(values, format, {1.0f, 1.0f}), std::invalid_argument);
  StoredTensor broken = stored;
  broken.words.pop_back();
  CHECK_THROWS_AS(decode_tensor(broken), std::invalid_argument);
}

TEST_CASE("enum names: one table per enum gives names, parses every spelling and lists them in errors", "[names]") {
  const NameTable<Format> table("number format", {{Format::fp32, "fp32"}, {Format::q15_16, "q15.16"}, {Format::q15_16, "q15_16"}});
  CHECK(table.name(Format::q15_16) == "q15.16");  // a value's first spelling is its name
  CHECK(table.parse("q15_16") == Format::q15_16);
  CHECK(table.names() == std::vector<std::string>{"fp32", "q15.16"});
  CHECK_THROWS_WITH(table.parse("fp8"), "unknown number format 'fp8' (expected one of fp32, q15.16)");
  CHECK_THROWS_AS(table.name(Format::int8), std::logic_error);
  // The project's parse/name pairs are such tables.
  for (const Dataflow d : {Dataflow::ws, Dataflow::os, Dataflow::is}) CHECK(parse_dataflow(dataflow_name(d)) == d);
  CHECK_THROWS_WITH(parse_dataflow("rs"), "unknown dataflow 'rs' (expected one of ws, os, is)");
  CHECK(parse_fault_kind("stuck_at_0") == FaultKind::stuck_at_0);
  CHECK(fault_kind_name(FaultKind::stuck_at_0) == "stuck-at-0");
}
