#include "sw/data/data_spec.hpp"

#include <map>
#include <sstream>
#include <stdexcept>

#include "sw/data/cifar.hpp"
#include "sw/data/npy.hpp"

namespace proact {

namespace {

const char* const kForms =
    "fashion-mnist[:DIR], cifar10:DIR, cifar100:DIR, npy:IMAGES.npy,LABELS.npy or "
    "npy:TRAIN_IMAGES.npy,TRAIN_LABELS.npy,TEST_IMAGES.npy,TEST_LABELS.npy";

const std::map<std::string, Normalization>& presets() {
  static const std::map<std::string, Normalization> table = {
      {"none", {"none", {}, {}}},
      {"imagenet", {"imagenet", {0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}}},
      {"cifar10", {"cifar10", {0.4914, 0.4822, 0.4465}, {0.2470, 0.2435, 0.2616}}},
      {"cifar100", {"cifar100", {0.5071, 0.4865, 0.4409}, {0.2673, 0.2564, 0.2762}}}};
  return table;
}

std::string joined(const std::vector<double>& values) {
  std::ostringstream out;
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
  return out.str();
}

// "3x32x32" for a per-sample shape.
std::string image_shape(const Shape& shape) {
  std::string text;
  for (int d : shape) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    parts.push_back(text.substr(start, comma - start));
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

std::string Normalization::describe() const {
  return mean.empty() ? name : name + " (mean " + joined(mean) + " std " + joined(std) + ")";
}

nlohmann::json Normalization::to_json() const {
  nlohmann::json j = {{"name", name}};
  if (!mean.empty()) {
    j["mean"] = mean;
    j["std"] = std;
  }
  return j;
}

std::vector<std::string> normalization_presets() { return {"none", "imagenet", "cifar10", "cifar100"}; }

Normalization normalization_preset(const std::string& name) {
  const auto it = presets().find(name);
  if (it == presets().end()) {
    std::string known;
    for (const std::string& n : normalization_presets()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown normalisation preset '" + name + "' (known: " + known + ")");
  }
  return it->second;
}

Normalization custom_normalization(std::vector<double> mean, std::vector<double> std) {
  if (mean.empty() || mean.size() != std.size()) {
    throw std::invalid_argument("--mean gives " + std::to_string(mean.size()) + " values and --std " +
                                std::to_string(std.size()) + "; give one of each per channel");
  }
  for (double s : std) {
    if (!(s > 0)) throw std::invalid_argument("--std " + joined(std) + ": every value must be positive");
  }
  return {"custom", std::move(mean), std::move(std)};
}

std::string data_format_name(DataFormat format) {
  switch (format) {
    case DataFormat::fashion_mnist: return "fashion-mnist";
    case DataFormat::cifar10: return "cifar10";
    case DataFormat::cifar100: return "cifar100";
    case DataFormat::npy: return "npy";
  }
  return "?";
}

std::string DataSpec::text() const {
  if (format != DataFormat::npy) return data_format_name(format) + ":" + dir;
  std::string text = "npy:" + train.images + "," + train.labels;
  if (test.images != train.images || test.labels != train.labels) text += "," + test.images + "," + test.labels;
  return text;
}

nlohmann::json DataSpec::to_json() const { return {{"spec", text()}, {"normalization", normalization.to_json()}}; }

DataSpec parse_data_spec(const std::string& text) {
  const std::size_t colon = text.find(':');
  const std::string form = text.substr(0, colon);
  const std::string argument = colon == std::string::npos ? "" : text.substr(colon + 1);
  const auto bad = [&](const std::string& problem) {
    return std::invalid_argument("--data '" + text + "': " + problem + " (forms: " + kForms + ")");
  };
  DataSpec spec;
  if (form == "fashion-mnist") {
    spec.format = DataFormat::fashion_mnist;
    spec.dir = argument.empty() ? default_data_dir() : argument;
  } else if (form == "cifar10" || form == "cifar100") {
    spec.format = form == "cifar10" ? DataFormat::cifar10 : DataFormat::cifar100;
    if (argument.empty()) throw bad(form + " needs its directory: " + form + ":DIR");
    spec.dir = argument;
  } else if (form == "npy") {
    spec.format = DataFormat::npy;
    const std::vector<std::string> paths = split_commas(argument);
    if (paths.size() != 2 && paths.size() != 4) {
      throw bad("npy takes 2 paths (images and labels, for both splits) or 4 (train pair, then test pair), got " +
                std::to_string(argument.empty() ? 0 : paths.size()));
    }
    for (const std::string& p : paths) {
      if (p.empty()) throw bad("an empty path");
    }
    spec.train = {paths[0], paths[1]};
    spec.test = paths.size() == 4 ? NpyFiles{paths[2], paths[3]} : spec.train;
  } else {
    throw bad("unknown data set '" + form + "'");
  }
  return spec;
}

Dataset load_split(const DataSpec& spec, Split split) {
  Dataset data;
  switch (spec.format) {
    case DataFormat::fashion_mnist: data = load_fashion_mnist(spec.dir, split); break;
    case DataFormat::cifar10: data = load_cifar10(spec.dir, split); break;
    case DataFormat::cifar100: data = load_cifar100(spec.dir, split); break;
    case DataFormat::npy: {
      const NpyFiles& files = split == Split::train ? spec.train : spec.test;
      data = load_npy_dataset(files.images, files.labels, split == Split::train ? "npy/train" : "npy/test");
      break;
    }
  }
  normalize(data.images, spec.normalization, "data " + spec.text());
  return data;
}

void normalize(Tensor& images, const Normalization& normalization, const std::string& source) {
  if (normalization.mean.empty()) return;
  const std::size_t channels = normalization.mean.size();
  if (images.rank() != 4 || static_cast<std::size_t>(images.dim(1)) != channels) {
    throw std::invalid_argument("normalisation " + normalization.describe() + " is for " + std::to_string(channels) +
                                "-channel images, but " + source + " gives images " +
                                image_shape(Shape(images.shape().begin() + 1, images.shape().end())));
  }
  const std::size_t plane = static_cast<std::size_t>(images.dim(2)) * static_cast<std::size_t>(images.dim(3));
  float* x = images.data();
  for (std::size_t n = 0; n < static_cast<std::size_t>(images.dim(0)); ++n) {
    for (std::size_t c = 0; c < channels; ++c) {
      const float mean = static_cast<float>(normalization.mean[c]), std = static_cast<float>(normalization.std[c]);
      for (std::size_t i = 0; i < plane; ++i, ++x) *x = (*x - mean) / std;
    }
  }
}

void check_images_fit(const Tensor& images, const std::string& source, const Network& network, const std::string& model) {
  const Shape image(images.shape().begin() + 1, images.shape().end());
  if (image != network.input_shape()) {
    throw std::invalid_argument(source + " gives images " + image_shape(image) + " but model " + model + " takes " +
                                image_shape(network.input_shape()));
  }
}

void check_data_fits(const DataSpec& spec, const Dataset& data, const Network& network, const std::string& model) {
  check_images_fit(data.images, "data " + spec.text(), network, model);
  const std::size_t outputs = shape_numel(network.output_shape());
  if (static_cast<std::size_t>(data.num_classes) > outputs) {
    throw std::invalid_argument("data " + spec.text() + " has " + std::to_string(data.num_classes) +
                                " classes but model " + model + " has " + std::to_string(outputs) + " outputs");
  }
}

}  // namespace proact
