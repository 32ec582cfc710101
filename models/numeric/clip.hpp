#pragma once
// Clipped activations (docs/design.md 3.1, Clip forms): ProAct's smooth form (trained), its hard form (the
// hardware comparator), Ranger-style saturation, and plain ReLU, with their local derivatives, each
// after an optional clamp to [lo, hi] (ReLU6, ONNX Clip).
// All arithmetic is float; NaN and inf inputs give defined results (never a crash).
#include <cstddef>
#include <limits>
#include <string>

namespace proact {

enum class ClipForm { relu, smooth, hard, saturate };

// "relu", "smooth", "hard", "saturate"; throws std::invalid_argument.
ClipForm parse_clip_form(const std::string& name);
std::string clip_form_name(ClipForm form);

constexpr float kDefaultSharpness = 20.0f;  // k of the smooth form

// The clamp of an activation, applied before its clip form: c = min(max(x, lo), hi), NaN giving
// lo. ReLU is [0, +inf) (the default), ReLU6 [0, 6], an ONNX Clip [min, max] (lo <= hi).
struct ClampBounds {
  float lo = 0.0f, hi = std::numeric_limits<float>::infinity();

  bool is_relu() const { return lo == 0.0f && hi == std::numeric_limits<float>::infinity(); }
  bool operator==(const ClampBounds& other) const { return lo == other.lo && hi == other.hi; }
  bool operator!=(const ClampBounds& other) const { return !(*this == other); }
};
float clamp_value(float x, ClampBounds bounds);
std::string bounds_string(ClampBounds bounds);  // "[0, 6]", "[0, inf)", for messages

// relu:     max(x, 0); the threshold is ignored.
// smooth:   max(0, x * sigmoid(k * (T - x))); values above T fall to 0, f(T) = T / 2.
// hard:     x if 0 < x <= T, else 0 (NaN gives 0).
// saturate: min(max(x, 0), T).
// With bounds other than ReLU's, the form applies to c = clamp_value(x, bounds) instead of x, and
// relu (no threshold) is c itself: f = c, f = c if 0 < c <= T else 0, ... ReLU's bounds give the
// forms above exactly.
float clip_value(ClipForm form, float x, float threshold, float k = kDefaultSharpness, ClampBounds bounds = {});

struct ClipGradient {
  float dx;          // d f / dx
  float dthreshold;  // d f / dT
};
// relu:     dx = 1 for x > 0.
// smooth:   where f > 0, dx = s - k x s (1 - s) and dT = k x s (1 - s) with s = sigmoid(k (T - x)).
// hard:     dx = 1 on (0, T]; dT = 0.
// saturate: dx = 1 for 0 < x < T; dT = 1 for x > T.
// Both are 0 wherever not stated. With bounds other than ReLU's: the form's gradient at
// c = clamp_value(x, bounds) (relu: dx = 1), with dx = 0 unless lo < x <= hi (the clamp passes
// the gradient only inside its bounds; at x = lo it follows ReLU's convention, 0).
ClipGradient clip_gradient(ClipForm form, float x, float threshold, float k = kDefaultSharpness,
                           ClampBounds bounds = {});

// Tensor forms. x, y, dy, dx hold `batch` samples of `per_sample` elements each. `thresholds`
// holds 1 value (layer-wise) or `per_sample` values (neuron-wise, one per element of a sample);
// any other threshold_count throws std::invalid_argument, except for relu, which ignores
// thresholds (they may then be nullptr with count 0). y may alias x. Values are clip_value's with
// `bounds`, bit for bit.
void clip_forward(ClipForm form, const float* x, float* y, std::size_t batch, std::size_t per_sample,
                  const float* thresholds, std::size_t threshold_count, float k = kDefaultSharpness,
                  ClampBounds bounds = {});
// dx = dy * df/dx (overwritten; dx may alias dy). If dthresholds is not nullptr it accumulates the
// batch sum of dy * df/dT, one entry per threshold (summed in double, added once), so callers zero it.
void clip_backward(ClipForm form, const float* x, const float* dy, float* dx, float* dthresholds,
                   std::size_t batch, std::size_t per_sample, const float* thresholds,
                   std::size_t threshold_count, float k = kDefaultSharpness, ClampBounds bounds = {});

}  // namespace proact
