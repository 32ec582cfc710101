#include "sw/cli/model_run.hpp"

#include "sw/model/load_model.hpp"
#include "sw/protection/apply.hpp"

namespace proact {

ModelRun load_model_run(const std::string& model, const std::string& thresholds, const DataSpec& data,
                        std::size_t limit, const AcceleratorConfig& config) {
  Checkpoint checkpoint = load_model(model);
  std::optional<ThresholdFile> file;
  if (!thresholds.empty()) {
    file = load_threshold_file(thresholds);
    apply_thresholds(checkpoint.network, *file, parse_clip_form(file->hardware_form));
  }
  Dataset test = load_split(data, Split::test);
  check_data_fits(data, test, checkpoint.network, model);
  if (limit) test = head(test, limit);
  if (config.weight_format == Format::int8) add_missing_activation_ranges(checkpoint, data);
  const nlohmann::json ranges = checkpoint.metadata.value("activation_ranges", nlohmann::json::object());
  return {std::move(file), std::move(test), Deployment(std::move(checkpoint.network), config.weight_format, ranges)};
}

}  // namespace proact
