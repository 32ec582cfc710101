#pragma once
// What the systolic array computes, as plain functions (docs/design.md 2.6, "Accumulation order
// is part of the contract"): a fold multiplies a block of weights with a block of streamed
// operands, each partial sum running down a PE column in k order with one fused multiply-add per
// PE (starting at 0), and the fold's partials are added to the accumulators in fold order.
// Doing this fold by fold over a layer gives exactly what proact::gemm computes in the matching
// AccumulationOrder; the functional engine and the SystemC model therefore agree bit for bit.
//
// Shapes use the GEMM names of models/kernels/gemm.hpp: Y (N, M) = W (N, K) * X (K, M).
#include <cstdint>
#include <vector>

#include "hw/interface/layer_descriptor.hpp"
#include "models/kernels/conv.hpp"
#include "models/kernels/gemm.hpp"

namespace proact {

// acc (nw, mw; row stride ldacc) += W_block (nw, kw; row-major) * X_block (kw, mw; row stride ldx).
// `scratch` is reused between calls to avoid allocation.
void fold_accumulate(const float* w, const float* x, int ldx, float* acc, int ldacc, int nw, int kw, int mw,
                     std::vector<float>& scratch);
// The int8 datapath: int32 products and sums that wrap like a 32-bit two's-complement adder.
void fold_accumulate_int8(const std::int8_t* w, const std::int8_t* x, int ldx, std::int32_t* acc, int ldacc, int nw,
                          int kw, int mw, std::vector<std::int8_t>& x_scratch, std::vector<std::int32_t>& scratch);

// The geometry of a conv descriptor (its window and channel groups).
ConvGeometry conv_geometry(const LayerDescriptor& d);

// The streamed operand X (groups K, M) of a conv or dense descriptor, from its fp32 input buffer
// (batch, C, H, W): conv -> im2col per image (group g's operand is rows [g K, (g + 1) K)), column
// index = image * out_pixels + pixel; dense -> the transposed input, column index = image.
std::vector<float> gemm_operand(const LayerDescriptor& d, const float* input);
// The same for the int8 datapath: activations quantised with d.input_scale, then arranged.
std::vector<std::int8_t> gemm_operand_int8(const LayerDescriptor& d, const float* input);

// Y (out_channels, M) back to the output buffer layout (batch, N, OH, OW) / (batch, N).
void scatter_gemm_output(const LayerDescriptor& d, const float* y, float* output);

// A whole fp32 conv or dense descriptor at once: output (batch, O, OH, OW) / (batch, O) =
// per group W_g (N, K) * X_g (K, M) in `order`, + bias (O), from the input buffer. With the dataflow's order
// (accumulation_order) and the same weights in every fold, these are the bits that
// fold_accumulate over the layer's fold plan, + bias and scatter_gemm_output give.
void gemm_layer(const LayerDescriptor& d, const float* input, const float* w, const float* bias, AccumulationOrder order,
                float* output);

}  // namespace proact
