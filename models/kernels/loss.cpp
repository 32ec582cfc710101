#include "models/kernels/loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace proact {

void softmax(int batch, int classes, const float* logits, float* probabilities) {
  for (int b = 0; b < batch; ++b) {
    const float* row = logits + static_cast<std::size_t>(b) * classes;
    float* out = probabilities + static_cast<std::size_t>(b) * classes;
    const float top = *std::max_element(row, row + classes);
    double sum = 0.0;
    for (int c = 0; c < classes; ++c) sum += out[c] = std::exp(row[c] - top);
    for (int c = 0; c < classes; ++c) out[c] = static_cast<float>(out[c] / sum);
  }
}

float softmax_cross_entropy(int batch, int classes, const float* logits, const std::vector<int>& labels,
                            float* dlogits) {
  if (static_cast<int>(labels.size()) != batch) {
    throw std::invalid_argument("cross-entropy: " + std::to_string(labels.size()) + " labels for a batch of " +
                                std::to_string(batch));
  }
  double loss = 0.0;
  for (int b = 0; b < batch; ++b) {
    const int label = labels[b];
    if (label < 0 || label >= classes) {
      throw std::invalid_argument("cross-entropy: label " + std::to_string(label) + " outside [0, " +
                                  std::to_string(classes) + ")");
    }
    const float* row = logits + static_cast<std::size_t>(b) * classes;
    const float top = *std::max_element(row, row + classes);
    double sum = 0.0;
    for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(row[c] - top));
    const double log_sum = std::log(sum) + top;
    loss += log_sum - row[label];
    if (dlogits) {
      float* grad = dlogits + static_cast<std::size_t>(b) * classes;
      for (int c = 0; c < classes; ++c) {
        const double prob = std::exp(static_cast<double>(row[c]) - log_sum);
        grad[c] = static_cast<float>((prob - (c == label ? 1.0 : 0.0)) / batch);
      }
    }
  }
  return static_cast<float>(loss / batch);
}

}  // namespace proact
