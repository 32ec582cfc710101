#include "models/numeric/clip.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "models/kernels/parallel.hpp"
#include "models/names.hpp"

namespace proact {
namespace {

// 1 / (1 + e^-z) without overflow for either sign of z.
float sigmoid(float z) {
  if (z >= 0.0f) return 1.0f / (1.0f + std::exp(-z));
  const float e = std::exp(z);
  return e / (1.0f + e);
}

// Stride through the thresholds: 0 for layer-wise, 1 for neuron-wise. relu reads none.
std::size_t threshold_stride(ClipForm form, std::size_t per_sample, std::size_t threshold_count) {
  if (form == ClipForm::relu) return 0;
  if (threshold_count == 1) return 0;
  if (threshold_count == per_sample) return 1;
  throw std::invalid_argument(clip_form_name(form) + " clip: expected 1 threshold (layer-wise) or " +
                              std::to_string(per_sample) + " (neuron-wise, one per element of a sample), got " +
                              std::to_string(threshold_count));
}

// The forms on the unclamped value x (ReLU's bounds).
float form_value(ClipForm form, float x, float threshold, float k) {
  switch (form) {
    case ClipForm::relu: return x > 0.0f ? x : 0.0f;
    case ClipForm::smooth: {
      const float y = x * sigmoid(k * (threshold - x));
      return y > 0.0f ? y : 0.0f;
    }
    case ClipForm::hard: return x > 0.0f && x <= threshold ? x : 0.0f;
    case ClipForm::saturate: return x > 0.0f ? (x < threshold ? x : threshold) : 0.0f;
  }
  throw std::invalid_argument("invalid ClipForm value");
}

ClipGradient form_gradient(ClipForm form, float x, float threshold, float k) {
  switch (form) {
    case ClipForm::relu: return {x > 0.0f ? 1.0f : 0.0f, 0.0f};
    case ClipForm::smooth: {
      const float s = sigmoid(k * (threshold - x));
      if (!(x * s > 0.0f)) return {0.0f, 0.0f};
      const float dthreshold = k * x * s * (1.0f - s);
      return {s - dthreshold, dthreshold};
    }
    case ClipForm::hard: return {x > 0.0f && x <= threshold ? 1.0f : 0.0f, 0.0f};
    case ClipForm::saturate: return {x > 0.0f && x < threshold ? 1.0f : 0.0f, x > threshold ? 1.0f : 0.0f};
  }
  throw std::invalid_argument("invalid ClipForm value");
}

// The forms on c = clamp_value(x, bounds); relu is c itself.
float clamped_value(ClipForm form, float x, float threshold, float k, ClampBounds bounds) {
  const float c = clamp_value(x, bounds);
  return form == ClipForm::relu ? c : form_value(form, c, threshold, k);
}

ClipGradient clamped_gradient(ClipForm form, float x, float threshold, float k, ClampBounds bounds) {
  const float c = clamp_value(x, bounds);
  ClipGradient g = form == ClipForm::relu ? ClipGradient{1.0f, 0.0f} : form_gradient(form, c, threshold, k);
  if (!(x > bounds.lo && x <= bounds.hi)) g.dx = 0.0f;
  return g;
}

}  // namespace

namespace {

const NameTable<ClipForm>& clip_form_table() {
  static const NameTable<ClipForm> table(
      "clip form", {
      {ClipForm::relu, "relu"}, {ClipForm::smooth, "smooth"}, {ClipForm::hard, "hard"},
      {ClipForm::saturate, "saturate"}});
  return table;
}

}  // namespace

ClipForm parse_clip_form(const std::string& name) { return clip_form_table().parse(name); }

std::string clip_form_name(ClipForm form) { return clip_form_table().name(form); }

float clamp_value(float x, ClampBounds bounds) { return x > bounds.lo ? (x < bounds.hi ? x : bounds.hi) : bounds.lo; }

std::string bounds_string(ClampBounds bounds) {
  const auto number = [](float v) {
    if (std::isinf(v)) return std::string(v < 0.0f ? "-inf" : "inf");
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(v));
    return std::string(text);
  };
  return (std::isinf(bounds.lo) ? "(" : "[") + number(bounds.lo) + ", " + number(bounds.hi) +
         (std::isinf(bounds.hi) ? ")" : "]");
}

float clip_value(ClipForm form, float x, float threshold, float k, ClampBounds bounds) {
  return bounds.is_relu() ? form_value(form, x, threshold, k) : clamped_value(form, x, threshold, k, bounds);
}

ClipGradient clip_gradient(ClipForm form, float x, float threshold, float k, ClampBounds bounds) {
  return bounds.is_relu() ? form_gradient(form, x, threshold, k) : clamped_gradient(form, x, threshold, k, bounds);
}

namespace {

// One form, one threshold layout and whether it clamps (bounds other than ReLU's), known at
// compile time so that the element loop has no branch on any of them and vectorises (relu, hard,
// saturate); the values are clip_value's, bit for bit.
template <ClipForm Form, bool NeuronWise, bool Clamped>
void clip_forward_as(const float* x, float* y, std::size_t batch, std::size_t per_sample, const float* thresholds,
                     float k, ClampBounds bounds) {
#pragma omp parallel for schedule(static) if (batch * per_sample >= kParallelElements)
  for (std::size_t b = 0; b < batch; ++b) {
    const float* xb = x + b * per_sample;
    float* yb = y + b * per_sample;
    for (std::size_t j = 0; j < per_sample; ++j) {
      const float threshold = Form == ClipForm::relu ? 0.0f : NeuronWise ? thresholds[j] : thresholds[0];
      yb[j] = Clamped ? clamped_value(Form, xb[j], threshold, k, bounds) : form_value(Form, xb[j], threshold, k);
    }
  }
}

template <ClipForm Form>
void clip_forward_as(const float* x, float* y, std::size_t batch, std::size_t per_sample, const float* thresholds,
                     std::size_t stride, float k, ClampBounds bounds) {
  const bool clamped = !bounds.is_relu();
  if (stride == 1 && clamped) return clip_forward_as<Form, true, true>(x, y, batch, per_sample, thresholds, k, bounds);
  if (stride == 1) return clip_forward_as<Form, true, false>(x, y, batch, per_sample, thresholds, k, bounds);
  if (clamped) return clip_forward_as<Form, false, true>(x, y, batch, per_sample, thresholds, k, bounds);
  clip_forward_as<Form, false, false>(x, y, batch, per_sample, thresholds, k, bounds);
}

}  // namespace

void clip_forward(ClipForm form, const float* x, float* y, std::size_t batch, std::size_t per_sample,
                  const float* thresholds, std::size_t threshold_count, float k, ClampBounds bounds) {
  const std::size_t stride = threshold_stride(form, per_sample, threshold_count);
  switch (form) {
    case ClipForm::relu:
      return clip_forward_as<ClipForm::relu>(x, y, batch, per_sample, thresholds, stride, k, bounds);
    case ClipForm::smooth:
      return clip_forward_as<ClipForm::smooth>(x, y, batch, per_sample, thresholds, stride, k, bounds);
    case ClipForm::hard:
      return clip_forward_as<ClipForm::hard>(x, y, batch, per_sample, thresholds, stride, k, bounds);
    case ClipForm::saturate:
      return clip_forward_as<ClipForm::saturate>(x, y, batch, per_sample, thresholds, stride, k, bounds);
  }
  throw std::invalid_argument("invalid ClipForm value");
}

void clip_backward(ClipForm form, const float* x, const float* dy, float* dx, float* dthresholds,
                   std::size_t batch, std::size_t per_sample, const float* thresholds,
                   std::size_t threshold_count, float k, ClampBounds bounds) {
  const std::size_t stride = threshold_stride(form, per_sample, threshold_count);
  const bool accumulate = dthresholds != nullptr && form != ClipForm::relu;
  std::vector<double> sums(accumulate ? threshold_count : 0, 0.0);
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t j = 0; j < per_sample; ++j) {
      const std::size_t i = b * per_sample + j;
      const float threshold = form == ClipForm::relu ? 0.0f : thresholds[j * stride];
      const ClipGradient g = clip_gradient(form, x[i], threshold, k, bounds);
      const float upstream = dy[i];
      dx[i] = upstream * g.dx;
      if (accumulate) sums[j * stride] += static_cast<double>(upstream) * g.dthreshold;
    }
  }
  for (std::size_t t = 0; t < sums.size(); ++t) dthresholds[t] += static_cast<float>(sums[t]);
}

}  // namespace proact
