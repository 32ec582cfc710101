#pragma once
// What `simulate` and `trace record` run: the --model with the --thresholds file applied in its
// hardware form, deployed in the config's weight format, and the first images of the test split.
#include <optional>
#include <string>

#include "hw/config.hpp"
#include "models/net/deployment.hpp"
#include "sw/data/data_spec.hpp"
#include "sw/data/dataset.hpp"
#include "sw/protection/threshold_file.hpp"

namespace proact {

struct ModelRun {
  std::optional<ThresholdFile> thresholds;  // the file applied, if any
  Dataset test;                             // the first `limit` test images (0: all)
  Deployment deployment;
};

// Errors name the model, the threshold file or the data set (and the images that do not fit).
ModelRun load_model_run(const std::string& model, const std::string& thresholds, const DataSpec& data,
                        std::size_t limit, const AcceleratorConfig& config);

}  // namespace proact
