#pragma once
// Clipped activations (docs/design.md 3.1, Clip forms): ProAct's smooth form (trained), its hard form (the
// hardware comparator), Ranger-style saturation, and plain ReLU, with their local derivatives.
// All arithmetic is float; NaN and inf inputs give defined results (never a crash).
#include <cstddef>
#include <string>

namespace proact {

enum class ClipForm { relu, smooth, hard, saturate };

// "relu", "smooth", "hard", "saturate"; throws std::invalid_argument.
ClipForm parse_clip_form(const std::string& name);
std::string clip_form_name(ClipForm form);

constexpr float kDefaultSharpness = 20.0f;  // k of the smooth form

// relu:     max(x, 0); the threshold is ignored.
// smooth:   max(0, x * sigmoid(k * (T - x))); values above T fall to 0, f(T) = T / 2.
// hard:     x if 0 < x <= T, else 0 (NaN gives 0).
// saturate: min(max(x, 0), T).
float clip_value(ClipForm form, float x, float threshold, float k = kDefaultSharpness);

struct ClipGradient {
  float dx;          // d f / dx
  float dthreshold;  // d f / dT
};
// relu:     dx = 1 for x > 0.
// smooth:   where f > 0, dx = s - k x s (1 - s) and dT = k x s (1 - s) with s = sigmoid(k (T - x)).
// hard:     dx = 1 on (0, T]; dT = 0.
// saturate: dx = 1 for 0 < x < T; dT = 1 for x > T.
// Both are 0 wherever not stated.
ClipGradient clip_gradient(ClipForm form, float x, float threshold, float k = kDefaultSharpness);

// Tensor forms. x, y, dy, dx hold `batch` samples of `per_sample` elements each. `thresholds`
// holds 1 value (layer-wise) or `per_sample` values (neuron-wise, one per element of a sample);
// any other threshold_count throws std::invalid_argument, except for relu, which ignores
// thresholds (they may then be nullptr with count 0). y may alias x.
void clip_forward(ClipForm form, const float* x, float* y, std::size_t batch, std::size_t per_sample,
                  const float* thresholds, std::size_t threshold_count, float k = kDefaultSharpness);
// dx = dy * df/dx (overwritten; dx may alias dy). If dthresholds is not nullptr it accumulates the
// batch sum of dy * df/dT, one entry per threshold (summed in double, added once), so callers zero it.
void clip_backward(ClipForm form, const float* x, const float* dy, float* dx, float* dthresholds,
                   std::size_t batch, std::size_t per_sample, const float* thresholds,
                   std::size_t threshold_count, float k = kDefaultSharpness);

}  // namespace proact
