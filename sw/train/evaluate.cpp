#include "sw/train/evaluate.hpp"

#include <algorithm>

#include "models/net/deployment.hpp"

namespace proact {

Tensor batch_images(const Tensor& images, std::size_t begin, std::size_t count) {
  const std::size_t sample = per_sample(images);
  Shape shape = images.shape();
  shape[0] = static_cast<int>(count);
  const float* first = images.data() + begin * sample;
  return Tensor(shape, std::vector<float>(first, first + count * sample));
}

Tensor batch_images(const Dataset& data, std::size_t begin, std::size_t count) {
  return batch_images(data.images, begin, count);
}

Tensor batched_logits(Network& network, const Tensor& images, AccumulationOrder order, std::size_t batch_size,
                      const std::function<void(std::size_t)>& on_batch) {
  const std::size_t count = static_cast<std::size_t>(images.dim(0));
  Tensor logits(batched(images.dim(0), network.output_shape()));
  const std::size_t outputs = per_sample(logits);
  ExecutionOptions options;
  options.order = order;
  options.keep_activations = false;
  for (std::size_t begin = 0; begin < count; begin += batch_size) {
    const std::size_t take = std::min(batch_size, count - begin);
    const bool whole = begin == 0 && take == count;  // no copy of the images needed
    Tensor part;
    if (!whole) part = batch_images(images, begin, take);
    const Tensor& batch = network.forward(whole ? images : part, options);
    std::copy_n(batch.data(), take * outputs, logits.data() + begin * outputs);
    if (on_batch) on_batch(begin + take);
  }
  return logits;
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
  const Tensor logits = batched_logits(network, data.images, order, batch_size, on_batch);
  EvalResult result;
  for (std::size_t b = 0; b < data.size(); ++b)
    if (predicted_class(logits, static_cast<int>(b)) == data.labels[b]) ++result.correct;
  result.count = data.size();
  return result;
}

EvalResult evaluate_checkpoint(const Checkpoint& checkpoint, Format format, const Dataset& data, AccumulationOrder order,
                               const std::function<void(std::size_t)>& on_batch) {
  Deployment deployment(checkpoint.network, format, checkpoint.metadata.value("activation_ranges", nlohmann::json()));
  return evaluate(deployment.network(), data, order, 250, on_batch);
}

}  // namespace proact
