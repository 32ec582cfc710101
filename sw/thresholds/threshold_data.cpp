#include "sw/thresholds/threshold_data.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/random.hpp"
#include "sw/thresholds/profile.hpp"

namespace proact {

ThresholdData load_threshold_data(const Checkpoint& checkpoint, const std::string& model, const ThresholdDataOptions& o) {
  const nlohmann::json& metadata = checkpoint.metadata;
  Dataset all = load_split(o.spec, Split::train);
  check_data_fits(o.spec, all, checkpoint.network, model);
  // A checkpoint of the project's trainer records the split it held out, and the thresholds hold
  // out the same images. A model from elsewhere (ONNX) records none: a tenth of the training
  // split, at most 5000 images, is held out with seed 1.
  const bool recorded = metadata.contains("train_images");
  const std::size_t validation = recorded ? metadata.value("validation_images", std::size_t{5000})
                                          : std::max<std::size_t>(1, std::min<std::size_t>(5000, all.size() / 10));
  const std::size_t used = recorded ? metadata.at("train_images").get<std::size_t>() + validation : all.size();
  const std::uint64_t split_seed = metadata.value("seed", std::uint64_t{1});
  if (used > all.size()) {
    throw std::invalid_argument("the checkpoint was trained on " + std::to_string(used) + " images, the training split has " +
                                std::to_string(all.size()));
  }
  TrainValidation split = split_validation(head(all, used), validation, split_seed);
  ThresholdData data;
  data.source = o.spec.to_json();
  data.train = seeded_subset(split.train, o.train_images ? o.train_images : split.train.size(), Rng::derive(o.seed, 1),
                             "threshold-train");
  data.calibration = seeded_subset(split.train, o.calibration_images, Rng::derive(o.seed, 2), "calibration");
  data.validation = o.validation_limit ? head(split.validation, o.validation_limit) : std::move(split.validation);
  if (data.validation.size() == 0) throw std::invalid_argument("the checkpoint holds out no validation images");
  return data;
}

}  // namespace proact
