#include "sw/model/load_model.hpp"

#include <filesystem>

#include "models/onnx/import.hpp"

namespace proact {

Checkpoint load_model(const std::string& name_or_path) {
  const std::string path = resolve_model_path(name_or_path);
  if (std::filesystem::path(path).extension() == ".onnx") return import_onnx(path);
  return load_checkpoint(path);
}

}  // namespace proact
