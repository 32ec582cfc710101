#pragma once
// The threshold file: a model's trained clipping thresholds as JSON, versioned and tied to the
// model's weights by checksum, so `proact simulate` can load them into the accelerator and a
// file made for other weights or another architecture is refused.
//
// {"version": 1,
//  "model": {"name": "lenet5", "checksum": "crc32:1a2b3c4d"},
//  "method": "proact", "hyperparameters": {...}, "seed": 1,
//  "clip": {"training_form": "smooth", "hardware_form": "hard", "sharpness": 20},
//  "layers": [{"name": "relu1", "granularity": "layer", "thresholds": [3.1],
//              "moved": {"mean": 0.31, "max": 0.31}}, ...],  // execution order
//  "threshold_words": 87,
//  "clean_accuracy": {"unclipped": 0.905, "smooth": 0.901, "hard": 0.899,
//                     "initial": 0.904},  // fractions, validation split
//  "data": {"spec": "fashion-mnist:/usr/share/datasets/fashion-mnist", "normalization": {"name": "none"},
//           "train": {"source": ..., "images": 10000}, "validation": {...}, "calibration": {...}},
//  "training_seconds": 95.2, "trials": [...]}
//
// A layer holds 1 value (layer-wise) or one per element of its per-sample output (neuron-wise,
// row-major over the output shape). clean_accuracy also holds "saturate" for methods deployed in
// that form (Ranger) and "initial" for ProAct; "moved" and "initial" are absent from files made
// before they existed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/net/network.hpp"

namespace proact {

inline constexpr int kThresholdFileVersion = 1;

// How far a layer's thresholds moved from the ones its method started from (the profiled maxima at
// its granularity): |T - T0| / T0 over the elements with T0 > 0.
struct ThresholdMovement {
  double mean = 0, max = 0;
};

struct LayerThresholds {
  std::string name;           // the Activation layer's name
  std::vector<float> values;  // 1 (layer-wise) or per-sample output elements (neuron-wise)
  std::optional<ThresholdMovement> moved;
};

struct CleanAccuracy {
  double unclipped = 0, smooth = 0, hard = 0;
  std::optional<double> saturate;
  std::optional<double> initial;  // with the initial thresholds in the training form (ProAct's A0)
};

struct ThresholdFile {
  int version = kThresholdFileVersion;
  std::string model_name;
  std::string model_checksum;  // model_checksum() of the weights the thresholds were made for
  std::string method;
  nlohmann::json hyperparameters = nlohmann::json::object();
  std::uint64_t seed = 0;
  std::string training_form;   // clip form the method optimised in
  std::string hardware_form;   // clip form the accelerator runs (CLIP_MODE)
  double sharpness = 0;        // k of the smooth form
  std::vector<LayerThresholds> layers;
  CleanAccuracy clean_accuracy;
  nlohmann::json data = nlohmann::json::object();  // data spec, normalisation, image counts and sources
  double training_seconds = 0;
  nlohmann::json trials = nlohmann::json::array();  // per layer and trial, as printed

  std::size_t threshold_words() const;  // sum of all layers' value counts
};

// "crc32:xxxxxxxx" over every parameter and buffer except clip thresholds (layer name, parameter
// name and float bytes, in layer order): identifies the weights, whatever the clipping.
std::string model_checksum(const Network& network);

nlohmann::json threshold_file_to_json(const ThresholdFile& file);
// Throws std::runtime_error "<source>: <problem>" naming a missing or mistyped key, an unsupported
// version, or a threshold_words that disagrees with the layers.
ThresholdFile threshold_file_from_json(const nlohmann::json& json, const std::string& source);

// Write (pretty JSON) / read; I/O and parse errors throw std::runtime_error naming the path.
void save_threshold_file(const std::string& path, const ThresholdFile& file);
ThresholdFile load_threshold_file(const std::string& path);

// Throws std::invalid_argument naming the first mismatch between the file and the network: the
// weights' checksum, the number of clipped layers, a layer name, or a layer's threshold count
// (neither 1 nor its output element count).
void check_threshold_file(const ThresholdFile& file, const Network& network);

}  // namespace proact
