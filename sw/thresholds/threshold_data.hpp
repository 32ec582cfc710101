#pragma once
// The images a threshold run uses, from a data set's training split and the checkpoint's own split: the
// validation images are the ones the checkpoint held out from weight training (rebuilt from its
// metadata: train_images + validation_images, seed), and the training and calibration subsets
// are seeded draws from the rest.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/net/checkpoint.hpp"
#include "sw/data/data_spec.hpp"
#include "sw/thresholds/method.hpp"

namespace proact {

struct ThresholdDataOptions {
  DataSpec spec;                     // the data set (its training split) and normalisation
  std::size_t train_images = 10000;  // threshold-training subset (0 = the whole training split)
  std::size_t calibration_images = 1000;
  std::size_t validation_limit = 0;  // first N held-out images (0 = all)
  std::uint64_t seed = 1;            // subsets are drawn with seeds derived from it
};

// Without train_images in its metadata (a model imported from ONNX), the checkpoint is taken to
// have trained on the whole split with a tenth of it, at most 5000 images, held out with seed 1
// (for Fashion-MNIST, the zoo's split). The result's `source` is
// options.spec.to_json(). Throws what load_split and check_data_fits (with `model` as the name
// shown) throw, and std::invalid_argument for counts the split cannot provide.
ThresholdData load_threshold_data(const Checkpoint& checkpoint, const std::string& model,
                                  const ThresholdDataOptions& options);

}  // namespace proact
