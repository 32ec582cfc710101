// Training is a function of the seed alone: the same command on 1 or 2 OpenMP threads gives the
// same weights bit for bit (parallel loops never split a sum, Eigen runs single-threaded, and no
// reduction depends on where a buffer sits in memory), which is what lets a committed checkpoint
// be remade by its documented command on any machine.
#include <catch2/catch.hpp>

#include <omp.h>

#include <string>
#include <vector>

#include "models/net/architectures.hpp"
#include "sw/data/dataset.hpp"
#include "sw/train/trainer.hpp"
#include "testbenches/tensor_helpers.hpp"

using namespace proact;
using proact::testing::random_images;
using proact::testing::same_bits;

namespace {

Dataset random_dataset(int count, std::uint64_t seed) {
  std::vector<int> labels(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) labels[i] = (i * 7 + static_cast<int>(seed)) % 10;
  return make_dataset("random", random_images(count, seed), labels, 10);
}

Network trained(const std::string& architecture, int threads) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  Network network = build_network(architecture, 5);
  TrainConfig config;
  config.epochs = 1;
  config.batch_size = 32;
  config.augment = true;
  config.seed = 5;
  train_network(network, random_dataset(200, 1), random_dataset(40, 2), config, false);
  omp_set_num_threads(saved);
  return network;
}

}  // namespace

TEST_CASE("training gives the same weights on 1 and 2 threads", "[train][determinism]") {
  const std::string architecture = GENERATE(std::string("lenet5"), std::string("vgg-small"), std::string("resnet-small"));
  CAPTURE(architecture);
  Network one = trained(architecture, 1);
  Network two = trained(architecture, 2);
  const std::vector<Parameter*> a = one.trainable_parameters(), b = two.trainable_parameters();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("parameter " << a[i]->name << " #" << i);
    CHECK(same_bits(a[i]->value, b[i]->value));
  }
}
