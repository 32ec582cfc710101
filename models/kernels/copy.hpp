#pragma once
// The copies of the routing layers and the residual add, shared by the network's layers and the
// accelerator's activation unit so both move and add the same words.
#include <cstddef>

#include "models/kernels/window.hpp"

namespace proact {

// x (planes, H, W) -> y (planes, top + H + bottom, left + W + right): the border `value`, the
// middle x. `planes` is batch x channels.
void pad_planes(int planes, int height, int width, const Padding2d& padding, float value, const float* x, float* y);
// The adjoint: dx (planes, H, W) = the middle of dy.
void crop_planes(int planes, int height, int width, const Padding2d& padding, const float* dy, float* dx);

// x (batch, in_sample) -> elements [offset, offset + in_sample) of each sample of y (batch,
// out_sample): one input of a concatenation along the first axis of a sample.
void copy_into_samples(int batch, std::size_t in_sample, std::size_t out_sample, std::size_t offset, const float* x,
                       float* y);
// The adjoint: dx (batch, in_sample) = elements [offset, offset + in_sample) of each sample of dy
// (batch, out_sample).
void copy_from_samples(int batch, std::size_t in_sample, std::size_t out_sample, std::size_t offset, const float* dy,
                       float* dx);

// y = a + b element-wise over `count` floats (y may be a or b: in place). Large counts are spread
// over the OpenMP threads; every element is the same one addition on any thread count.
void add_elements(std::size_t count, const float* a, const float* b, float* y);

}  // namespace proact
