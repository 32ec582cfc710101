#pragma once
// Threshold memory per granularity (the paper's overhead arithmetic, docs/design.md 3.6): one
// word per layer-wise threshold, one per output element for a neuron-wise layer. The standard
// topologies are described only by their clipped layers' per-sample output shapes at CIFAR-10 size
// (3x32x32 input), every ReLU application being one clipped layer, in execution order.
#include <string>
#include <vector>

#include "models/tensor.hpp"

namespace proact {

struct ThresholdWords {
  std::size_t layer_wise = 0;   // one per clipped layer
  std::size_t neuron_wise = 0;  // every element of every clipped layer
  std::size_t hybrid = 0;       // layer-wise, except the last clipped layer neuron-wise
  double neuron_over_hybrid() const { return static_cast<double>(neuron_wise) / static_cast<double>(hybrid); }
};

// Throws std::invalid_argument for an empty list.
ThresholdWords count_threshold_words(const std::vector<Shape>& clipped_outputs);

std::vector<std::string> standard_topology_names();  // "alexnet", "vgg16", "resnet50"
// Clipped-layer output shapes of a standard topology at 32x32; throws std::invalid_argument
// listing the known names.
//   vgg16:    13 conv ReLUs (64,64 | 128,128 | 256 x3 | 512 x3 | 512 x3 channels, 32 -> 2 pixels),
//             classifier a single linear layer.
//   alexnet:  the CIFAR AlexNet of the ProAct reference code: conv 3x3/2 (64 @16x16), pool,
//             conv 3x3 pad 2 (192 @10x10), pool, conv 384, 256, 256 @5x5, pool, dense 4096, 4096.
//   resnet50: 3x3 stem (64 @32x32), bottleneck stages [3, 4, 6, 3] (stride on the 3x3 conv), three
//             ReLUs per block (after conv1, conv2, and the residual add).
std::vector<Shape> standard_topology_clip_shapes(const std::string& name);

}  // namespace proact
