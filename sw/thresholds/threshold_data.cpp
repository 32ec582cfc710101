#include "sw/thresholds/threshold_data.hpp"

#include <stdexcept>

#include "models/random.hpp"
#include "sw/thresholds/profile.hpp"

namespace proact {

ThresholdData load_threshold_data(const Checkpoint& checkpoint, const std::string& model, const ThresholdDataOptions& o) {
  const nlohmann::json& metadata = checkpoint.metadata;
  const std::size_t validation = metadata.value("validation_images", std::size_t{5000});
  const std::size_t used = metadata.value("train_images", std::size_t{60000} - validation) + validation;
  const std::uint64_t split_seed = metadata.value("seed", std::uint64_t{1});
  Dataset all = load_split(o.spec, Split::train);
  check_data_fits(o.spec, all, checkpoint.network, model);
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
