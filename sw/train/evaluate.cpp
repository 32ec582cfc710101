#include "sw/train/evaluate.hpp"

#include <algorithm>

#include "models/net/deployment.hpp"

namespace proact {

Tensor batch_images(const Dataset& data, std::size_t begin, std::size_t count) {
  const std::size_t sample = per_sample(data.images);
  Shape shape = data.images.shape();
  shape[0] = static_cast<int>(count);
  const float* first = data.images.data() + begin * sample;
  return Tensor(shape, std::vector<float>(first, first + count * sample));
}

int predicted_class(const Tensor& logits, int b) {
  const int classes = logits.dim(1);
  const float* row = logits.data() + static_cast<std::size_t>(b) * classes;
  int best = 0;
  for (int c = 1; c < classes; ++c)
    if (row[c] > row[best] || (row[best] != row[best] && row[c] == row[c])) best = c;
  return best;
}

EvalResult evaluate(Network& network, const Dataset& data, AccumulationOrder order, std::size_t batch_size,
                    const std::function<void(std::size_t)>& on_batch) {
  EvalResult result;
  ExecutionOptions options;
  options.order = order;
  for (std::size_t begin = 0; begin < data.size(); begin += batch_size) {
    const std::size_t count = std::min(batch_size, data.size() - begin);
    const Tensor& logits = network.forward(batch_images(data, begin, count), options);
    for (std::size_t b = 0; b < count; ++b)
      if (predicted_class(logits, static_cast<int>(b)) == data.labels[begin + b]) ++result.correct;
    result.count += count;
    if (on_batch) on_batch(result.count);
  }
  return result;
}

EvalResult evaluate_checkpoint(const Checkpoint& checkpoint, Format format, const Dataset& data, AccumulationOrder order,
                               const std::function<void(std::size_t)>& on_batch) {
  Deployment deployment(checkpoint.network, format, checkpoint.metadata.value("activation_ranges", nlohmann::json()));
  return evaluate(deployment.network(), data, order, 250, on_batch);
}

}  // namespace proact
