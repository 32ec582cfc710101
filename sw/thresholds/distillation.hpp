#pragma once
// The distillation half of ProAct's loss (docs/design.md 3.4): soft-target cross-entropy against
// the unclipped model's softmax at temperature 1.
#include <cstddef>

#include "models/net/network.hpp"
#include "sw/data/dataset.hpp"

namespace proact {

// Mean over the batch of -sum_c targets[b][c] * log softmax(logits[b])[c], for logits and
// targets (B, N) (targets rows are probabilities). dlogits (B, N) = (softmax - targets) / B is
// added to (not overwritten) when not nullptr.
float soft_target_cross_entropy(int batch, int classes, const float* logits, const float* targets, float* dlogits);

// The network's softmax probabilities (N, classes) on every image of `data`, eval mode, free
// accumulation order, `batch_size` images at a time: the teacher's soft targets.
Tensor teacher_probabilities(Network& teacher, const Dataset& data, std::size_t batch_size = 250);

}  // namespace proact
