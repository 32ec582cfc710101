#pragma once
// Softmax cross-entropy over logits (B, N).
#include <vector>

namespace proact {

// Mean over the batch of -log softmax(logits)[label]; dlogits (B, N) = (softmax - onehot) / B
// (skipped when nullptr). Labels must lie in [0, N).
float softmax_cross_entropy(int batch, int classes, const float* logits, const std::vector<int>& labels,
                            float* dlogits);

// Row-wise softmax of logits (B, N) into probabilities (B, N), max-subtracted for stability.
void softmax(int batch, int classes, const float* logits, float* probabilities);

}  // namespace proact
