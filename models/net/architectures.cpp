#include "models/net/architectures.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

#include "models/net/activation_layer.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"
#include "models/random.hpp"

namespace proact {

namespace {

// Builds layers with generated names: conv1, bn1, relu1, ...
class Builder {
 public:
  Builder(const std::string& architecture, std::uint64_t seed) : net_(architecture, {1, 28, 28}), rng_(seed) {}

  int conv(int in, int out, int kernel, int stride, int padding, int from) {
    auto layer = std::make_unique<Conv2d>(next("conv"), in, out, kernel, stride, padding);
    he_init(layer->parameter("weight").value, in * kernel * kernel);
    return net_.add(std::move(layer), {from});
  }
  int dense(int in, int out, int from) {
    auto layer = std::make_unique<Dense>(next("fc"), in, out);
    he_init(layer->parameter("weight").value, in);
    return net_.add(std::move(layer), {from});
  }
  int bn(int channels, int from) { return net_.add(std::make_unique<BatchNorm>(next("bn"), channels), {from}); }
  int relu(int from) { return net_.add(std::make_unique<Activation>(next("relu")), {from}); }
  int max_pool(int from) { return net_.add(std::make_unique<Pool2d>(next("pool"), Pool2d::Kind::max, 2, 2), {from}); }
  int global_avg_pool(int from) { return net_.add(std::make_unique<GlobalAvgPool>(next("gap")), {from}); }
  int flatten(int from) { return net_.add(std::make_unique<Flatten>(next("flatten")), {from}); }
  int add(int a, int b) { return net_.add(std::make_unique<Add>(next("add")), {a, b}); }
  int conv_bn_relu(int in, int out, int stride, int from) { return relu(bn(out, conv(in, out, 3, stride, 1, from))); }
  int last() const { return static_cast<int>(net_.size()) - 1; }
  Network take() { return std::move(net_); }

 private:
  std::string next(const std::string& prefix) { return prefix + std::to_string(++counts_[prefix]); }
  void he_init(Tensor& weight, int fan_in) {
    const float std_dev = std::sqrt(2.0f / static_cast<float>(fan_in));
    for (float& w : weight.values()) w = rng_.normal() * std_dev;
  }

  Network net_;
  Rng rng_;
  std::map<std::string, int> counts_;
};

// LeNet-5 with ReLU and max pooling: 2 conv (5x5) + 3 dense layers.
Network lenet5(std::uint64_t seed) {
  Builder b("lenet5", seed);
  int x = b.max_pool(b.relu(b.conv(1, 6, 5, 1, 2, Network::kInput)));  // 6x14x14
  x = b.max_pool(b.relu(b.conv(6, 16, 5, 1, 0, x)));                    // 16x5x5
  x = b.relu(b.dense(400, 120, b.flatten(x)));
  x = b.relu(b.dense(120, 84, x));
  b.dense(84, 10, x);
  return b.take();
}

// VGG-style: three conv-BN-ReLU stages with max pooling, then a two-layer classifier.
Network vgg_small(std::uint64_t seed) {
  Builder b("vgg-small", seed);
  int x = b.conv_bn_relu(1, 16, 1, Network::kInput);
  x = b.max_pool(b.conv_bn_relu(16, 16, 1, x));  // 16x14x14
  x = b.conv_bn_relu(16, 32, 1, x);
  x = b.max_pool(b.conv_bn_relu(32, 32, 1, x));  // 32x7x7
  x = b.max_pool(b.conv_bn_relu(32, 64, 1, x));  // 64x3x3
  x = b.relu(b.dense(576, 128, b.flatten(x)));
  b.dense(128, 10, x);
  return b.take();
}

// ResNet-style: a stem and three basic residual blocks (the last two downsample with a
// 1x1-conv shortcut), global average pooling and a dense classifier.
Network resnet_small(std::uint64_t seed) {
  Builder b("resnet-small", seed);
  auto block = [&b](int in, int out, int stride, int from) {
    const int main = b.bn(out, b.conv(out, out, 3, 1, 1, b.conv_bn_relu(in, out, stride, from)));
    const int shortcut = (stride == 1 && in == out) ? from : b.bn(out, b.conv(in, out, 1, stride, 0, from));
    return b.relu(b.add(main, shortcut));
  };
  int x = b.conv_bn_relu(1, 16, 1, Network::kInput);  // 16x28x28
  x = block(16, 16, 1, x);
  x = block(16, 32, 2, x);  // 32x14x14
  x = block(32, 64, 2, x);  // 64x7x7
  b.dense(64, 10, b.global_avg_pool(x));
  return b.take();
}

}  // namespace

std::vector<std::string> architecture_names() { return {"lenet5", "vgg-small", "resnet-small"}; }

Network build_network(const std::string& architecture, std::uint64_t seed) {
  if (architecture == "lenet5") return lenet5(seed);
  if (architecture == "vgg-small") return vgg_small(seed);
  if (architecture == "resnet-small") return resnet_small(seed);
  throw std::invalid_argument("unknown architecture '" + architecture + "' (expected lenet5, vgg-small or resnet-small)");
}

}  // namespace proact
