#pragma once
// Fully connected layer: x (B, K), w (N, K) as in PyTorch, bias (N) or nullptr, y (B, N).
#include "models/kernels/gemm.hpp"

namespace proact {

// Forward: per output, the K products summed in `order` (k = input feature index), then + bias.
void dense_forward(int batch, int in_features, int out_features, const float* x, const float* w, const float* bias,
                   float* y, AccumulationOrder order);
void dense_forward_naive(int batch, int in_features, int out_features, const float* x, const float* w,
                         const float* bias, float* y, AccumulationOrder order);

// Backward (free order): dx overwritten (skipped when nullptr); dw and dbias accumulate.
void dense_backward(int batch, int in_features, int out_features, const float* x, const float* w, const float* dy,
                    float* dx, float* dw, float* dbias);
void dense_backward_naive(int batch, int in_features, int out_features, const float* x, const float* w,
                          const float* dy, float* dx, float* dw, float* dbias);

}  // namespace proact
