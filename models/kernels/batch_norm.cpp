#include "models/kernels/batch_norm.hpp"

#include <cmath>

namespace proact {

using std::size_t;

namespace {
// Index of element (b, c, i) in a (B, C, P) tensor.
inline size_t at(int b, int c, int i, int channels, int pixels) {
  return (static_cast<size_t>(b) * channels + c) * pixels + i;
}
}  // namespace

void batch_norm_train_forward(int batch, int channels, int pixels, const float* x, float* y, const BatchNormParams& p,
                              float momentum, float* running_mean, float* running_var, std::vector<float>& mean,
                              std::vector<float>& inv_std) {
  mean.assign(channels, 0.0f);
  inv_std.assign(channels, 0.0f);
  const double count = static_cast<double>(batch) * pixels;
  for (int c = 0; c < channels; ++c) {
    double sum = 0.0, sum_sq = 0.0;
    for (int b = 0; b < batch; ++b) {
      for (int i = 0; i < pixels; ++i) {
        const double v = x[at(b, c, i, channels, pixels)];
        sum += v;
        sum_sq += v * v;
      }
    }
    const double mu = sum / count;
    const double var = std::max(0.0, sum_sq / count - mu * mu);
    mean[c] = static_cast<float>(mu);
    inv_std[c] = static_cast<float>(1.0 / std::sqrt(var + p.epsilon));
    const double unbiased = count > 1 ? var * count / (count - 1) : var;
    running_mean[c] = static_cast<float>((1.0 - momentum) * running_mean[c] + momentum * mu);
    running_var[c] = static_cast<float>((1.0 - momentum) * running_var[c] + momentum * unbiased);
    for (int b = 0; b < batch; ++b) {
      for (int i = 0; i < pixels; ++i) {
        const size_t j = at(b, c, i, channels, pixels);
        y[j] = p.gamma[c] * (x[j] - mean[c]) * inv_std[c] + p.beta[c];
      }
    }
  }
}

void batch_norm_eval_forward(int batch, int channels, int pixels, const float* x, float* y, const BatchNormParams& p,
                             const float* running_mean, const float* running_var) {
  for (int c = 0; c < channels; ++c) {
    const float scale = p.gamma[c] / std::sqrt(running_var[c] + p.epsilon);
    for (int b = 0; b < batch; ++b) {
      for (int i = 0; i < pixels; ++i) {
        const size_t j = at(b, c, i, channels, pixels);
        y[j] = (x[j] - running_mean[c]) * scale + p.beta[c];
      }
    }
  }
}

void batch_norm_backward(int batch, int channels, int pixels, const float* x, const float* dy, const BatchNormParams& p,
                         const std::vector<float>& mean, const std::vector<float>& inv_std, float* dx, float* dgamma,
                         float* dbeta) {
  const double count = static_cast<double>(batch) * pixels;
  for (int c = 0; c < channels; ++c) {
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (int b = 0; b < batch; ++b) {
      for (int i = 0; i < pixels; ++i) {
        const size_t j = at(b, c, i, channels, pixels);
        const double xhat = (x[j] - mean[c]) * inv_std[c];
        sum_dy += dy[j];
        sum_dy_xhat += dy[j] * xhat;
      }
    }
    dgamma[c] += static_cast<float>(sum_dy_xhat);
    dbeta[c] += static_cast<float>(sum_dy);
    const double scale = p.gamma[c] * inv_std[c];
    for (int b = 0; b < batch; ++b) {
      for (int i = 0; i < pixels; ++i) {
        const size_t j = at(b, c, i, channels, pixels);
        const double xhat = (x[j] - mean[c]) * inv_std[c];
        dx[j] = static_cast<float>(scale * (dy[j] - sum_dy / count - xhat * sum_dy_xhat / count));
      }
    }
  }
}

}  // namespace proact
