#include "models/net/checkpoint.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "models/io/archive.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/architectures.hpp"

namespace proact {

namespace fs = std::filesystem;

namespace {
constexpr int kCheckpointVersion = 1;

nlohmann::json describe_layers(const Network& network) {
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < network.size(); ++i) {
    const Layer& l = network.layer(i);
    layers.push_back({{"name", l.name()}, {"kind", l.kind()}, {"attributes", l.attributes()}});
  }
  return layers;
}
}  // namespace

void save_checkpoint(const std::string& path, const Network& network, const nlohmann::json& metadata) {
  Archive archive;
  archive.metadata = {{"kind", "proact-checkpoint"},
                      {"checkpoint_version", kCheckpointVersion},
                      {"architecture", network.architecture()},
                      {"layers", describe_layers(network)},
                      {"metadata", metadata}};
  for (std::size_t i = 0; i < network.size(); ++i) {
    const Layer& l = network.layer(i);
    for (const Parameter& p : l.parameters()) archive.tensors.emplace_back(l.name() + "." + p.name, p.value);
  }
  write_archive(path, archive);
}

Checkpoint load_checkpoint(const std::string& path) {
  const Archive archive = read_archive(path);
  const nlohmann::json& meta = archive.metadata;
  auto refuse = [&](const std::string& why) { throw std::runtime_error(path + ": " + why); };
  if (meta.value("kind", "") != "proact-checkpoint") refuse("not a model checkpoint");
  if (meta.value("checkpoint_version", 0) != kCheckpointVersion) {
    refuse("unsupported checkpoint version " + meta.value("checkpoint_version", nlohmann::json()).dump() +
           " (this build reads " + std::to_string(kCheckpointVersion) + ")");
  }
  Network network = build_network(meta.at("architecture").get<std::string>(), 0);
  const nlohmann::json& layers = meta.at("layers");
  if (layers.size() != network.size()) {
    refuse("has " + std::to_string(layers.size()) + " layers; architecture '" + network.architecture() + "' has " +
           std::to_string(network.size()));
  }
  for (std::size_t i = 0; i < network.size(); ++i) {
    Layer& l = network.layer(i);
    if (layers[i].at("name") != l.name() || layers[i].at("kind") != l.kind()) {
      refuse("layer " + std::to_string(i) + " is " + layers[i].at("name").get<std::string>() + " (" +
             layers[i].at("kind").get<std::string>() + "), expected " + l.name() + " (" + l.kind() + ")");
    }
    const nlohmann::json& attributes = layers[i].at("attributes");
    if (auto* activation = dynamic_cast<Activation*>(&l)) {
      const ClipForm form = parse_clip_form(attributes.value("form", "relu"));
      if (form != ClipForm::relu) {
        activation->set_clipping(form, archive.tensor(l.name() + ".thresholds"),
                                 attributes.value("sharpness", kDefaultSharpness));
      }
    }
    for (Parameter& p : l.parameters()) {
      const Tensor& stored = archive.tensor(l.name() + "." + p.name);
      if (stored.shape() != p.value.shape()) {
        refuse("tensor " + l.name() + "." + p.name + " has shape " + shape_string(stored.shape()) + ", expected " +
               shape_string(p.value.shape()));
      }
      p.value = stored;
    }
  }
  return {std::move(network), meta.value("metadata", nlohmann::json::object())};
}

std::string resolve_model_path(const std::string& name_or_path) {
  if (fs::is_regular_file(name_or_path)) return name_or_path;
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("PROACT_ZOO_DIR")) dirs.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path() / ".." / "share" / "proact" / "zoo");  // installed: PREFIX/bin/proact
    dirs.push_back(exe.parent_path() / ".." / ".." / "models" / "zoo");     // build tree: SOURCE/build/sw/proact
  }
  dirs.emplace_back("models/zoo");
  std::string searched;
  for (const fs::path& dir : dirs) {
    const fs::path candidate = dir / (name_or_path + ".ckpt");
    if (fs::is_regular_file(candidate)) return candidate.lexically_normal().string();
    searched += (searched.empty() ? "" : ", ") + candidate.lexically_normal().string();
  }
  throw std::runtime_error("model '" + name_or_path + "' not found: not a file, and no zoo checkpoint at " + searched);
}

}  // namespace proact
