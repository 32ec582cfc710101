#pragma once
// Batched inference over a data set: accuracy and logits.
#include <cstddef>
#include <functional>

#include "models/net/checkpoint.hpp"
#include "models/net/network.hpp"
#include "models/numeric/format.hpp"
#include "sw/data/dataset.hpp"

namespace proact {

// Images [begin, begin + count) of a batch (N, C, H, W) or a data set as one (count, C, H, W) tensor.
Tensor batch_images(const Tensor& images, std::size_t begin, std::size_t count);
Tensor batch_images(const Dataset& data, std::size_t begin, std::size_t count);

// Logits (N, outputs) of images (N, ...) in eval mode with `order`, batch_size images per forward;
// `on_batch(done)` reports progress.
Tensor batched_logits(Network& network, const Tensor& images, AccumulationOrder order, std::size_t batch_size,
                      const std::function<void(std::size_t)>& on_batch = {});

struct EvalResult {
  std::size_t correct = 0, count = 0;
  double accuracy() const { return count ? static_cast<double>(correct) / static_cast<double>(count) : 0.0; }
};

// Top-1 accuracy in eval mode with `options.order`; `on_batch(done)` reports progress.
EvalResult evaluate(Network& network, const Dataset& data, AccumulationOrder order, std::size_t batch_size = 250,
                    const std::function<void(std::size_t)>& on_batch = {});

// Accuracy of a checkpoint deployed in `format` (batch norm folded, weights decoded from the
// stored words; int8 uses the checkpoint's activation ranges).
EvalResult evaluate_checkpoint(const Checkpoint& checkpoint, Format format, const Dataset& data, AccumulationOrder order,
                               const std::function<void(std::size_t)>& on_batch = {});

// Index of the largest logit of sample b in logits (B, N); the first on ties, NaN never wins.
int predicted_class(const Tensor& logits, int b);

}  // namespace proact
