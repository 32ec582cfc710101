#pragma once
// Where a command's images come from and how they are normalised (docs/data.md): the --data
// SPEC parsed into a DataSpec, loaded per split, and recorded (to_json) in every output that
// says what data it came from. SPEC forms:
//
//   fashion-mnist[:DIR]      IDX files (default DIR: default_data_dir())
//   cifar10:DIR              CIFAR-10 binary version (cifar.hpp)
//   cifar100:DIR             CIFAR-100 binary version, fine labels (cifar.hpp)
//   npy:IMAGES,LABELS        one pair of .npy files serving both splits (npy.hpp)
//   npy:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS
//
// Only the first ':' separates the form from its argument; npy paths cannot contain ','.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/net/network.hpp"
#include "sw/data/dataset.hpp"

namespace proact {

enum class DataFormat { fashion_mnist, cifar10, cifar100, npy };
std::string data_format_name(DataFormat format);  // the SPEC's form: "fashion-mnist", "cifar10", ...

// Applied to every image after its pixels are scaled to [0, 1] (uint8 / 255; float32 .npy as is):
// x = (x - mean[c]) / std[c] for channel c. Empty mean and std: no normalisation.
struct Normalization {
  std::string name = "none";  // a preset's name, or "custom" for --mean/--std
  std::vector<double> mean, std;  // as given (recorded exactly); applied in float

  std::string describe() const;     // "none", "cifar10 (mean 0.4914,0.4822,0.4465 std 0.247,0.2435,0.2616)"
  nlohmann::json to_json() const;   // {"name": ..., "mean": [...], "std": [...]} (no mean/std for none)
};

std::vector<std::string> normalization_presets();  // none, imagenet, cifar10, cifar100
// Throws std::invalid_argument listing the presets for an unknown name.
Normalization normalization_preset(const std::string& name);
// Throws std::invalid_argument unless mean and std have the same non-zero length and every std > 0.
Normalization custom_normalization(std::vector<double> mean, std::vector<double> std);

struct NpyFiles {
  std::string images, labels;
};

struct DataSpec {
  DataFormat format = DataFormat::fashion_mnist;
  std::string dir;       // fashion-mnist, cifar10, cifar100
  NpyFiles train, test;  // npy: the same pair unless four paths were given
  Normalization normalization;

  std::string text() const;        // the canonical SPEC ("fashion-mnist:<dir>" with the default filled in)
  nlohmann::json to_json() const;  // {"spec": text(), "normalization": normalization.to_json()}
};

// Throws std::invalid_argument naming the SPEC and listing the forms for anything else. The
// default fashion-mnist directory is resolved here, so text() records the one actually read.
DataSpec parse_data_spec(const std::string& text);

// The split's images, normalised. Throws what the format's loader throws, and
// std::invalid_argument when the normalisation's channel count differs from the images'.
Dataset load_split(const DataSpec& spec, Split split);

// x = (x - mean[c]) / std[c] over images (N, C, H, W); `source` names the images in the error
// thrown (std::invalid_argument) when C differs from the normalisation's channel count.
void normalize(Tensor& images, const Normalization& normalization, const std::string& source);

// Throws std::invalid_argument naming both shapes when the per-image shape of images (N, ...)
// differs from the network's input shape ("<source> gives images 3x32x32 but model lenet5 takes
// 1x28x28"); `source` and `model` are the names to show.
void check_images_fit(const Tensor& images, const std::string& source, const Network& network, const std::string& model);

// check_images_fit with source "data <spec>", and std::invalid_argument when the data has more
// classes than the network's outputs; `model` is the name to show.
void check_data_fits(const DataSpec& spec, const Dataset& data, const Network& network, const std::string& model);

}  // namespace proact
