#include "sw/thresholds/memory_overhead.hpp"

#include <stdexcept>

namespace proact {

ThresholdWords count_threshold_words(const std::vector<Shape>& clipped_outputs) {
  if (clipped_outputs.empty()) throw std::invalid_argument("no clipped layers to count thresholds for");
  ThresholdWords words;
  words.layer_wise = clipped_outputs.size();
  for (const Shape& s : clipped_outputs) words.neuron_wise += shape_numel(s);
  words.hybrid = clipped_outputs.size() - 1 + shape_numel(clipped_outputs.back());
  return words;
}

std::vector<std::string> standard_topology_names() { return {"alexnet", "vgg16", "resnet50"}; }

namespace {

std::vector<Shape> vgg16() {
  std::vector<Shape> shapes;
  const int stages[5][2] = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
  int side = 32;
  for (const auto& stage : stages) {
    for (int i = 0; i < stage[1]; ++i) shapes.push_back({stage[0], side, side});
    side /= 2;  // max pool after every stage
  }
  return shapes;
}

std::vector<Shape> alexnet() {
  return {{64, 16, 16}, {192, 10, 10}, {384, 5, 5}, {256, 5, 5}, {256, 5, 5}, {4096}, {4096}};
}

std::vector<Shape> resnet50() {
  std::vector<Shape> shapes{{64, 32, 32}};
  const int blocks[4] = {3, 4, 6, 3};
  int width = 64, side = 32;
  for (int stage = 0; stage < 4; ++stage) {
    for (int b = 0; b < blocks[stage]; ++b) {
      const bool downsample = stage > 0 && b == 0;
      shapes.push_back({width, side, side});  // conv1 (1x1) at the input resolution
      if (downsample) side /= 2;
      shapes.push_back({width, side, side});  // conv2 (3x3, carries the stride)
      shapes.push_back({4 * width, side, side});  // after the residual add
    }
    width *= 2;
  }
  return shapes;
}

}  // namespace

std::vector<Shape> standard_topology_clip_shapes(const std::string& name) {
  if (name == "vgg16") return vgg16();
  if (name == "alexnet") return alexnet();
  if (name == "resnet50") return resnet50();
  throw std::invalid_argument("unknown standard topology '" + name + "' (expected alexnet, vgg16 or resnet50)");
}

}  // namespace proact
