#include "sw/thresholds/distillation.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/kernels/loss.hpp"
#include "sw/train/evaluate.hpp"

namespace proact {

float soft_target_cross_entropy(int batch, int classes, const float* logits, const float* targets, float* dlogits) {
  std::vector<float> probabilities(static_cast<std::size_t>(batch) * classes);
  softmax(batch, classes, logits, probabilities.data());
  double loss = 0.0;
  for (int b = 0; b < batch; ++b) {
    const float* row = logits + static_cast<std::size_t>(b) * classes;
    const float max = *std::max_element(row, row + classes);
    double sum = 0.0;
    for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(row[c]) - max);
    const double log_sum = max + std::log(sum);
    for (int c = 0; c < classes; ++c) {
      const std::size_t i = static_cast<std::size_t>(b) * classes + c;
      loss -= targets[i] * (row[c] - log_sum);
      if (dlogits) dlogits[i] += (probabilities[i] - targets[i]) / static_cast<float>(batch);
    }
  }
  return static_cast<float>(loss / batch);
}

Tensor teacher_probabilities(Network& teacher, const Dataset& data, std::size_t batch_size) {
  const int classes = static_cast<int>(shape_numel(teacher.output_shape()));
  Tensor probabilities({static_cast<int>(data.size()), classes});
  for (std::size_t begin = 0; begin < data.size(); begin += batch_size) {
    const std::size_t count = std::min(batch_size, data.size() - begin);
    const Tensor& logits = teacher.forward(batch_images(data, begin, count), ExecutionOptions{});
    softmax(static_cast<int>(count), classes, logits.data(), probabilities.data() + begin * classes);
  }
  return probabilities;
}

}  // namespace proact
