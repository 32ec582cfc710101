#pragma once
// The images a threshold run uses, from Fashion-MNIST and the checkpoint's own split: the
// validation images are the ones the checkpoint held out from weight training (rebuilt from its
// metadata: train_images + validation_images, seed), and the training and calibration subsets
// are seeded draws from the rest.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sw/thresholds/method.hpp"

namespace proact {

struct ThresholdDataOptions {
  std::string data_dir;             // Fashion-MNIST IDX directory
  std::size_t train_images = 10000;  // threshold-training subset (0 = the whole training split)
  std::size_t calibration_images = 1000;
  std::size_t validation_limit = 0;  // first N held-out images (0 = all)
  std::uint64_t seed = 1;            // subsets are drawn with seeds derived from it
};

// `metadata` is the checkpoint's; without train_images/validation_images/seed it assumes the zoo
// defaults (the whole 60000-image split, 5000 held out, seed 1). Throws std::runtime_error for
// missing data files and std::invalid_argument for counts the split cannot provide.
ThresholdData load_threshold_data(const nlohmann::json& metadata, const ThresholdDataOptions& options);

}  // namespace proact
