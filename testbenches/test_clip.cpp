// Clipped activations: ProAct's smooth and hard forms, Ranger saturation and ReLU, element-wise
// and over tensors with layer-wise or neuron-wise thresholds, forward and backward.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/numeric/clip.hpp"

using namespace proact;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using Catch::Matchers::WithinULP;

namespace {

// The smooth form evaluated in double: the reference for values and finite differences.
double smooth_reference(double x, double threshold, double k = kDefaultSharpness) {
  return std::max(0.0, x / (1.0 + std::exp(-k * (threshold - x))));
}

}  // namespace

TEST_CASE("clip form names", "[clip]") {
  const ClipForm form = GENERATE(ClipForm::relu, ClipForm::smooth, ClipForm::hard, ClipForm::saturate);
  CHECK(parse_clip_form(clip_form_name(form)) == form);
  CHECK_THROWS_AS(parse_clip_form("ranger"), std::invalid_argument);
  CHECK_THROWS_WITH(parse_clip_form("ranger"), Contains("'ranger'") && Contains("smooth"));
}

TEST_CASE("smooth clip matches the check values of docs/design.md 3.1 (T = 2, k = 20)", "[clip][smooth]") {
  CHECK_THAT(clip_value(ClipForm::smooth, 0.5f, 2.0f), WithinRel(0.5f, 1e-6f));
  CHECK_THAT(clip_value(ClipForm::smooth, 1.9f, 2.0f), WithinRel(1.6735144f, 1e-5f));
  CHECK_THAT(clip_value(ClipForm::smooth, 2.0f, 2.0f), WithinULP(1.0f, 0));
  CHECK_THAT(clip_value(ClipForm::smooth, 2.1f, 2.0f), WithinRel(0.2503261f, 1e-5f));
  CHECK_THAT(clip_value(ClipForm::smooth, 2.5f, 2.0f), WithinRel(1.134947e-4f, 1e-5f));
  CHECK(clip_value(ClipForm::smooth, -0.5f, 2.0f) == 0.0f);
  CHECK(clip_value(ClipForm::smooth, 0.0f, 2.0f) == 0.0f);
  CHECK(clip_value(ClipForm::smooth, 50.0f, 2.0f) == 0.0f);
}

TEST_CASE("hard clip keeps 0 < x <= T and zeroes the rest", "[clip][hard]") {
  const float t = 2.0f;
  CHECK(clip_value(ClipForm::hard, 0.5f, t) == 0.5f);
  CHECK(clip_value(ClipForm::hard, t, t) == t);
  CHECK(clip_value(ClipForm::hard, std::nextafter(t, 3.0f), t) == 0.0f);
  CHECK(clip_value(ClipForm::hard, 0.0f, t) == 0.0f);
  CHECK(clip_value(ClipForm::hard, -1.0f, t) == 0.0f);
  CHECK(clip_value(ClipForm::hard, 7.0f, t) == 0.0f);
  CHECK(clip_gradient(ClipForm::hard, t, t).dx == 1.0f);
  CHECK(clip_gradient(ClipForm::hard, 1.0f, t).dx == 1.0f);
  CHECK(clip_gradient(ClipForm::hard, 2.5f, t).dx == 0.0f);
  CHECK(clip_gradient(ClipForm::hard, 0.0f, t).dx == 0.0f);
  CHECK(clip_gradient(ClipForm::hard, 1.0f, t).dthreshold == 0.0f);
}

TEST_CASE("saturate clamps to 0..T", "[clip][saturate]") {
  const float t = 2.0f;
  CHECK(clip_value(ClipForm::saturate, 0.5f, t) == 0.5f);
  CHECK(clip_value(ClipForm::saturate, t, t) == t);
  CHECK(clip_value(ClipForm::saturate, 7.0f, t) == t);
  CHECK(clip_value(ClipForm::saturate, -1.0f, t) == 0.0f);
  const ClipGradient inside = clip_gradient(ClipForm::saturate, 1.0f, t);
  CHECK((inside.dx == 1.0f && inside.dthreshold == 0.0f));
  const ClipGradient above = clip_gradient(ClipForm::saturate, 3.0f, t);
  CHECK((above.dx == 0.0f && above.dthreshold == 1.0f));
  const ClipGradient at = clip_gradient(ClipForm::saturate, t, t);
  CHECK((at.dx == 0.0f && at.dthreshold == 0.0f));
  const ClipGradient below = clip_gradient(ClipForm::saturate, -1.0f, t);
  CHECK((below.dx == 0.0f && below.dthreshold == 0.0f));
}

TEST_CASE("relu ignores the threshold", "[clip][relu]") {
  CHECK(clip_value(ClipForm::relu, 7.0f, 2.0f) == 7.0f);
  CHECK(clip_value(ClipForm::relu, -7.0f, 2.0f) == 0.0f);
  CHECK(clip_gradient(ClipForm::relu, 7.0f, 2.0f).dx == 1.0f);
  CHECK(clip_gradient(ClipForm::relu, 7.0f, 2.0f).dthreshold == 0.0f);
  CHECK(clip_gradient(ClipForm::relu, -7.0f, 2.0f).dx == 0.0f);
}

TEST_CASE("NaN and inf inputs give defined results", "[clip]") {
  const ClipForm form = GENERATE(ClipForm::relu, ClipForm::smooth, ClipForm::hard, ClipForm::saturate);
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const float x : {nan, inf, -inf, 1.0f}) {
    for (const float t : {nan, inf, -inf, 2.0f}) {
      CHECK_NOTHROW(clip_value(form, x, t));
      CHECK_NOTHROW(clip_gradient(form, x, t));
    }
  }
  CHECK(clip_value(ClipForm::hard, nan, 2.0f) == 0.0f);
  CHECK(clip_value(ClipForm::hard, inf, 2.0f) == 0.0f);
  CHECK(clip_value(ClipForm::smooth, inf, 2.0f) == 0.0f);
  CHECK(clip_value(ClipForm::saturate, inf, 2.0f) == 2.0f);
}

TEST_CASE("smooth clip value and gradient agree with double-precision finite differences", "[clip][smooth]") {
  const float t = GENERATE(0.5f, 2.0f, 3.7f);
  const int step = GENERATE(range(0, 45));
  const float x = -1.03f + 0.137f * static_cast<float>(step);  // -1.03 .. 4.998, never at the kink x = 0
  const double h = 1e-5;
  const double f = smooth_reference(x, t);
  const double dx = (smooth_reference(x + h, t) - smooth_reference(x - h, t)) / (2 * h);
  const double dt = (smooth_reference(x, t + h) - smooth_reference(x, t - h)) / (2 * h);
  CAPTURE(x, t);
  CHECK_THAT(clip_value(ClipForm::smooth, x, t), WithinAbs(f, 1e-6 + 1e-5 * f));
  const ClipGradient g = clip_gradient(ClipForm::smooth, x, t);
  CHECK_THAT(g.dx, WithinAbs(dx, 1e-4 + 1e-4 * std::fabs(dx)));
  CHECK_THAT(g.dthreshold, WithinAbs(dt, 1e-4 + 1e-4 * std::fabs(dt)));
}

TEST_CASE("piecewise-linear gradients agree with finite differences away from the kinks", "[clip]") {
  const ClipForm form = GENERATE(ClipForm::relu, ClipForm::hard, ClipForm::saturate);
  const float t = GENERATE(0.5f, 2.0f);
  const float x = GENERATE(-1.5f, -0.2f, 0.3f, 1.1f, 1.7f, 2.6f, 4.0f);
  const float h = 1e-2f;  // no x lies within h of a kink (0 or T)
  const float dx = (clip_value(form, x + h, t) - clip_value(form, x - h, t)) / (2 * h);
  const float dt = (clip_value(form, x, t + h) - clip_value(form, x, t - h)) / (2 * h);
  CAPTURE(clip_form_name(form), x, t);
  const ClipGradient g = clip_gradient(form, x, t);
  CHECK_THAT(g.dx, WithinAbs(dx, 1e-3));
  CHECK_THAT(g.dthreshold, WithinAbs(dt, 1e-3));
}

TEST_CASE("tensor clip with layer-wise and neuron-wise thresholds", "[clip]") {
  const ClipForm form = GENERATE(ClipForm::relu, ClipForm::smooth, ClipForm::hard, ClipForm::saturate);
  const std::size_t batch = 2, per_sample = 3;
  const std::vector<float> x = {-1.0f, 0.5f, 1.5f, 2.5f, 3.0f, 0.9f};  // (batch, per_sample)
  const std::vector<float> dy = {0.3f, -1.0f, 2.0f, 0.7f, 1.5f, -0.25f};
  const std::vector<float> thresholds = GENERATE(std::vector<float>{1.0f}, std::vector<float>{1.0f, 2.0f, 3.0f});
  // ReLU's bounds, ReLU6's, and a Clip that passes negative values.
  const ClampBounds bounds = GENERATE(ClampBounds{}, ClampBounds{0.0f, 6.0f}, ClampBounds{-0.5f, 2.0f});
  const auto threshold_of = [&](std::size_t j) { return thresholds.size() == 1 ? thresholds[0] : thresholds[j]; };
  CAPTURE(clip_form_name(form), thresholds.size(), bounds_string(bounds));

  SECTION("forward matches the element-wise form, also in place") {
    std::vector<float> y(x.size());
    clip_forward(form, x.data(), y.data(), batch, per_sample, thresholds.data(), thresholds.size(), 20.0f, bounds);
    for (std::size_t i = 0; i < x.size(); ++i) {
      CHECK(y[i] == clip_value(form, x[i], threshold_of(i % per_sample), 20.0f, bounds));
    }
    std::vector<float> in_place = x;
    clip_forward(form, in_place.data(), in_place.data(), batch, per_sample, thresholds.data(), thresholds.size(),
                 20.0f, bounds);
    CHECK(in_place == y);
  }
  SECTION("backward scales dy and accumulates threshold gradients over the batch") {
    std::vector<float> dx(x.size(), 99.0f);
    std::vector<float> dthresholds(thresholds.size(), 0.5f);
    clip_backward(form, x.data(), dy.data(), dx.data(), dthresholds.data(), batch, per_sample, thresholds.data(),
                  thresholds.size(), 20.0f, bounds);
    std::vector<double> expected(thresholds.size(), 0.5);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const ClipGradient g = clip_gradient(form, x[i], threshold_of(i % per_sample), 20.0f, bounds);
      CHECK(dx[i] == dy[i] * g.dx);
      expected[thresholds.size() == 1 ? 0 : i % per_sample] += static_cast<double>(dy[i]) * g.dthreshold;
    }
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      CHECK_THAT(dthresholds[t], WithinRel(static_cast<float>(expected[t]), 1e-6f));
    }
    std::vector<float> without(x.size());
    clip_backward(form, x.data(), dy.data(), without.data(), nullptr, batch, per_sample, thresholds.data(),
                  thresholds.size(), 20.0f, bounds);
    CHECK(without == dx);
  }
}

TEST_CASE("tensor clip values at the documented points", "[clip]") {
  const std::vector<float> x = {-1.0f, 0.5f, 1.5f, 2.5f, 3.0f, 0.9f};  // (2, 3)
  std::vector<float> y(x.size());
  SECTION("hard, layer-wise T = 1") {
    const float t = 1.0f;
    clip_forward(ClipForm::hard, x.data(), y.data(), 2, 3, &t, 1, kDefaultSharpness);
    CHECK(y == std::vector<float>{0.0f, 0.5f, 0.0f, 0.0f, 0.0f, 0.9f});
  }
  SECTION("hard, neuron-wise T = (1, 2, 3)") {
    const std::vector<float> t = {1.0f, 2.0f, 3.0f};
    clip_forward(ClipForm::hard, x.data(), y.data(), 2, 3, t.data(), 3, kDefaultSharpness);
    CHECK(y == std::vector<float>{0.0f, 0.5f, 1.5f, 0.0f, 0.0f, 0.9f});
  }
  SECTION("saturate, neuron-wise T = (1, 2, 3)") {
    const std::vector<float> t = {1.0f, 2.0f, 3.0f};
    clip_forward(ClipForm::saturate, x.data(), y.data(), 2, 3, t.data(), 3, kDefaultSharpness);
    CHECK(y == std::vector<float>{0.0f, 0.5f, 1.5f, 1.0f, 2.0f, 0.9f});
  }
  SECTION("relu needs no thresholds") {
    clip_forward(ClipForm::relu, x.data(), y.data(), 2, 3, nullptr, 0, kDefaultSharpness);
    CHECK(y == std::vector<float>{0.0f, 0.5f, 1.5f, 2.5f, 3.0f, 0.9f});
  }
}

TEST_CASE("clamp bounds: ReLU6 and Clip(min, max), then the clip forms on the clamped value", "[clip]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const ClampBounds relu6{0.0f, 6.0f}, clip{-1.0f, 2.0f};
  CHECK(ClampBounds{}.is_relu());
  CHECK_FALSE(relu6.is_relu());
  CHECK(bounds_string(relu6) == "[0, 6]");
  CHECK(bounds_string(ClampBounds{}) == "[0, inf)");
  CHECK(bounds_string(ClampBounds{-inf, 1.5f}) == "(-inf, 1.5]");
  // Unclipped: the clamp itself, NaN giving lo.
  CHECK(clip_value(ClipForm::relu, 7.0f, 0.0f, kDefaultSharpness, relu6) == 6.0f);
  CHECK(clip_value(ClipForm::relu, inf, 0.0f, kDefaultSharpness, relu6) == 6.0f);
  CHECK(clip_value(ClipForm::relu, -3.0f, 0.0f, kDefaultSharpness, relu6) == 0.0f);
  CHECK(clip_value(ClipForm::relu, nan, 0.0f, kDefaultSharpness, relu6) == 0.0f);
  CHECK(clip_value(ClipForm::relu, -3.0f, 0.0f, kDefaultSharpness, clip) == -1.0f);
  CHECK(clip_value(ClipForm::relu, -0.5f, 0.0f, kDefaultSharpness, clip) == -0.5f);
  CHECK(clip_value(ClipForm::relu, nan, 0.0f, kDefaultSharpness, clip) == -1.0f);
  // hard: c if 0 < c <= T else 0, with c the clamped value.
  CHECK(clip_value(ClipForm::hard, 7.0f, 4.0f, kDefaultSharpness, relu6) == 0.0f);  // c = 6 > T
  CHECK(clip_value(ClipForm::hard, 7.0f, 6.5f, kDefaultSharpness, relu6) == 6.0f);  // c = 6 <= T
  CHECK(clip_value(ClipForm::hard, -0.5f, 1.5f, kDefaultSharpness, clip) == 0.0f);
  CHECK(clip_value(ClipForm::hard, 5.0f, 1.5f, kDefaultSharpness, clip) == 0.0f);   // c = 2 > T
  CHECK(clip_value(ClipForm::saturate, 7.0f, 4.0f, kDefaultSharpness, relu6) == 4.0f);
  CHECK_THAT(clip_value(ClipForm::smooth, 9.0f, 6.0f, kDefaultSharpness, relu6),
             WithinRel(clip_value(ClipForm::smooth, 6.0f, 6.0f), 1e-6f));
  // The gradient passes only where lo < x <= hi.
  CHECK(clip_gradient(ClipForm::relu, 3.0f, 0.0f, kDefaultSharpness, relu6).dx == 1.0f);
  CHECK(clip_gradient(ClipForm::relu, 6.0f, 0.0f, kDefaultSharpness, relu6).dx == 1.0f);
  CHECK(clip_gradient(ClipForm::relu, 7.0f, 0.0f, kDefaultSharpness, relu6).dx == 0.0f);
  CHECK(clip_gradient(ClipForm::relu, 0.0f, 0.0f, kDefaultSharpness, relu6).dx == 0.0f);
  CHECK(clip_gradient(ClipForm::relu, -0.5f, 0.0f, kDefaultSharpness, clip).dx == 1.0f);
  CHECK(clip_gradient(ClipForm::relu, nan, 0.0f, kDefaultSharpness, clip).dx == 0.0f);
  const ClipGradient above = clip_gradient(ClipForm::saturate, 7.0f, 4.0f, kDefaultSharpness, relu6);
  CHECK(above.dx == 0.0f);
  CHECK(above.dthreshold == 1.0f);  // c = 6 > T: f = T
}

TEST_CASE("a threshold count that is neither 1 nor per_sample is rejected", "[clip]") {
  const ClipForm form = GENERATE(ClipForm::smooth, ClipForm::hard, ClipForm::saturate);
  const std::size_t count = GENERATE(0, 2, 4);
  const std::vector<float> x(6, 1.0f), t(4, 2.0f);
  std::vector<float> y(6), dthresholds(4);
  CHECK_THROWS_AS(clip_forward(form, x.data(), y.data(), 2, 3, t.data(), count, kDefaultSharpness),
                  std::invalid_argument);
  CHECK_THROWS_WITH(clip_forward(form, x.data(), y.data(), 2, 3, t.data(), count, kDefaultSharpness),
                    Contains("got " + std::to_string(count)));
  CHECK_THROWS_AS(clip_backward(form, x.data(), x.data(), y.data(), dthresholds.data(), 2, 3, t.data(), count,
                                kDefaultSharpness),
                  std::invalid_argument);
}
