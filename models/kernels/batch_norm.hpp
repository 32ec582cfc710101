#pragma once
// Batch normalisation over the channel axis of x (B, C, P), P = spatial positions (1 for a
// dense layer's output). Biased batch variance normalises; the running variance is updated with
// the unbiased one (as PyTorch does).
#include <cstddef>
#include <vector>

namespace proact {

struct BatchNormParams {
  const float* gamma;  // (C)
  const float* beta;   // (C)
  float epsilon = 1e-5f;
};

// Train mode: normalises with batch statistics; writes per-channel batch mean and inverse std
// (C each) for the backward pass and updates running_mean/running_var with `momentum`.
void batch_norm_train_forward(int batch, int channels, int pixels, const float* x, float* y, const BatchNormParams& p,
                              float momentum, float* running_mean, float* running_var, std::vector<float>& mean,
                              std::vector<float>& inv_std);
// Eval mode: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta.
void batch_norm_eval_forward(int batch, int channels, int pixels, const float* x, float* y, const BatchNormParams& p,
                             const float* running_mean, const float* running_var);
// Backward of the train-mode forward: dx overwritten; dgamma and dbeta accumulate.
void batch_norm_backward(int batch, int channels, int pixels, const float* x, const float* dy, const BatchNormParams& p,
                         const std::vector<float>& mean, const std::vector<float>& inv_std, float* dx, float* dgamma,
                         float* dbeta);

}  // namespace proact
