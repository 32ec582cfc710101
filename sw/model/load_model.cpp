#include "sw/model/load_model.hpp"

#include <algorithm>
#include <filesystem>

#include "models/net/deployment.hpp"
#include "sw/train/evaluate.hpp"

namespace proact {

Checkpoint load_model(const std::string& name_or_path, Weights weights) {
  const std::string path = resolve_model_path(name_or_path);
  if (std::filesystem::path(path).extension() == ".onnx") return import_onnx(path, weights);
  return load_checkpoint(path);
}

void add_missing_activation_ranges(Checkpoint& checkpoint, const Tensor& images) {
  if (checkpoint.metadata.contains("activation_ranges")) return;
  const Tensor calibration = batch_images(images, 0, std::min<std::size_t>(1000, images.dim(0)));
  checkpoint.metadata["activation_ranges"] = calibrate_input_ranges(checkpoint.network, calibration);
}

void add_missing_activation_ranges(Checkpoint& checkpoint, const DataSpec& data) {
  if (checkpoint.metadata.contains("activation_ranges")) return;
  const Dataset train = load_split(data, Split::train);
  check_data_fits(data, train, checkpoint.network, checkpoint.network.architecture());
  add_missing_activation_ranges(checkpoint, train.images);
}

}  // namespace proact
