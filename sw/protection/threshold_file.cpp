#include "sw/protection/threshold_file.hpp"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "models/io/output_file.hpp"
#include "sw/protection/clip_sites.hpp"

namespace proact {

std::size_t ThresholdFile::threshold_words() const {
  std::size_t words = 0;
  for (const LayerThresholds& l : layers) words += l.values.size();
  return words;
}

std::string model_checksum(const Network& network) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto add = [&crc](const void* data, std::size_t bytes) {
    crc = crc32(crc, static_cast<const Bytef*>(data), static_cast<uInt>(bytes));
  };
  for (std::size_t i = 0; i < network.size(); ++i) {
    const Layer& layer = network.layer(i);
    for (const Parameter& p : layer.parameters()) {
      if (p.name == "thresholds") continue;
      const std::string id = layer.name() + "." + p.name;
      add(id.data(), id.size() + 1);
      add(p.value.data(), p.value.size() * sizeof(float));
    }
  }
  char text[16];
  std::snprintf(text, sizeof text, "%08lx", static_cast<unsigned long>(crc));
  return std::string("crc32:") + text;
}

nlohmann::json threshold_file_to_json(const ThresholdFile& f) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerThresholds& l : f.layers) {
    nlohmann::json layer = {{"name", l.name}, {"granularity", l.values.size() == 1 ? "layer" : "neuron"},
                            {"thresholds", l.values}};
    if (l.moved) layer["moved"] = {{"mean", l.moved->mean}, {"max", l.moved->max}};
    layers.push_back(layer);
  }
  nlohmann::json accuracy = {{"unclipped", f.clean_accuracy.unclipped}, {"smooth", f.clean_accuracy.smooth},
                             {"hard", f.clean_accuracy.hard}};
  if (f.clean_accuracy.saturate) accuracy["saturate"] = *f.clean_accuracy.saturate;
  if (f.clean_accuracy.initial) accuracy["initial"] = *f.clean_accuracy.initial;
  return {{"version", f.version},
          {"model", {{"name", f.model_name}, {"checksum", f.model_checksum}}},
          {"method", f.method},
          {"hyperparameters", f.hyperparameters},
          {"seed", f.seed},
          {"clip", {{"training_form", f.training_form}, {"hardware_form", f.hardware_form}, {"sharpness", f.sharpness}}},
          {"layers", layers},
          {"threshold_words", f.threshold_words()},
          {"clean_accuracy", accuracy},
          {"data", f.data},
          {"training_seconds", f.training_seconds},
          {"trials", f.trials}};
}

namespace {

// The value at `key` of `object` as T; throws naming the source and the key path.
template <typename T>
T field(const nlohmann::json& object, const std::string& key, const std::string& path, const std::string& source) {
  if (!object.is_object() || !object.contains(key)) {
    throw std::runtime_error(source + ": missing key '" + path + key + "'");
  }
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(source + ": key '" + path + key + "' has the wrong type (" + object.at(key).type_name() +
                             ")");
  }
}

}  // namespace

ThresholdFile threshold_file_from_json(const nlohmann::json& j, const std::string& source) {
  ThresholdFile f;
  f.version = field<int>(j, "version", "", source);
  if (f.version != kThresholdFileVersion) {
    throw std::runtime_error(source + ": unsupported threshold file version " + std::to_string(f.version) +
                             " (this build reads " + std::to_string(kThresholdFileVersion) + ")");
  }
  const auto model = field<nlohmann::json>(j, "model", "", source);
  f.model_name = field<std::string>(model, "name", "model.", source);
  f.model_checksum = field<std::string>(model, "checksum", "model.", source);
  f.method = field<std::string>(j, "method", "", source);
  f.hyperparameters = field<nlohmann::json>(j, "hyperparameters", "", source);
  f.seed = field<std::uint64_t>(j, "seed", "", source);
  const auto clip = field<nlohmann::json>(j, "clip", "", source);
  f.training_form = field<std::string>(clip, "training_form", "clip.", source);
  f.hardware_form = field<std::string>(clip, "hardware_form", "clip.", source);
  f.sharpness = field<double>(clip, "sharpness", "clip.", source);
  for (const nlohmann::json& l : field<nlohmann::json>(j, "layers", "", source)) {
    LayerThresholds layer{field<std::string>(l, "name", "layers[].", source),
                          field<std::vector<float>>(l, "thresholds", "layers[].", source), std::nullopt};
    if (layer.values.empty()) throw std::runtime_error(source + ": layer '" + layer.name + "' has no thresholds");
    if (l.contains("moved")) {
      const auto moved = field<nlohmann::json>(l, "moved", "layers[].", source);
      layer.moved = ThresholdMovement{field<double>(moved, "mean", "layers[].moved.", source),
                                      field<double>(moved, "max", "layers[].moved.", source)};
    }
    f.layers.push_back(std::move(layer));
  }
  const auto words = field<std::size_t>(j, "threshold_words", "", source);
  if (words != f.threshold_words()) {
    throw std::runtime_error(source + ": threshold_words is " + std::to_string(words) + " but the layers hold " +
                             std::to_string(f.threshold_words()) + " thresholds");
  }
  const auto accuracy = field<nlohmann::json>(j, "clean_accuracy", "", source);
  f.clean_accuracy.unclipped = field<double>(accuracy, "unclipped", "clean_accuracy.", source);
  f.clean_accuracy.smooth = field<double>(accuracy, "smooth", "clean_accuracy.", source);
  f.clean_accuracy.hard = field<double>(accuracy, "hard", "clean_accuracy.", source);
  if (accuracy.contains("saturate")) f.clean_accuracy.saturate = field<double>(accuracy, "saturate", "clean_accuracy.", source);
  if (accuracy.contains("initial")) f.clean_accuracy.initial = field<double>(accuracy, "initial", "clean_accuracy.", source);
  f.data = j.value("data", nlohmann::json::object());
  f.training_seconds = j.value("training_seconds", 0.0);
  f.trials = j.value("trials", nlohmann::json::array());
  return f;
}

void save_threshold_file(const std::string& path, const ThresholdFile& file) {
  write_file_atomically(path, threshold_file_to_json(file).dump(1) + "\n");
}

ThresholdFile load_threshold_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open threshold file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
  return threshold_file_from_json(j, path);
}

void check_threshold_file(const ThresholdFile& file, const Network& network) {
  const std::string refuse = "threshold file for model '" + file.model_name + "' does not match " +
                             network.architecture() + ": ";
  const std::string checksum = model_checksum(network);
  if (file.model_checksum != checksum) {
    throw std::invalid_argument(refuse + "it was made for weights " + file.model_checksum + ", these are " + checksum);
  }
  const std::vector<std::size_t> sites = clip_sites(network);
  if (file.layers.size() != sites.size()) {
    throw std::invalid_argument(refuse + "it has " + std::to_string(file.layers.size()) + " layers, the model " +
                                std::to_string(sites.size()) + " clipped layers");
  }
  for (std::size_t l = 0; l < sites.size(); ++l) {
    const std::string& name = network.layer(sites[l]).name();
    const LayerThresholds& layer = file.layers[l];
    if (layer.name != name) {
      throw std::invalid_argument(refuse + "clipped layer " + std::to_string(l) + " is '" + layer.name +
                                  "' in the file, '" + name + "' in the model");
    }
    const std::size_t elements = shape_numel(network.node(sites[l]).output_shape);
    if (layer.values.size() != 1 && layer.values.size() != elements) {
      throw std::invalid_argument(refuse + "layer '" + name + "' has " + std::to_string(layer.values.size()) +
                                  " thresholds; expected 1 (layer-wise) or " + std::to_string(elements) +
                                  " (neuron-wise, its output " + shape_string(network.node(sites[l]).output_shape) + ")");
    }
  }
}

}  // namespace proact
