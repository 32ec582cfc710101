#include "sw/protection/protection.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "models/numeric/clip.hpp"
#include "sw/protection/apply.hpp"
#include "sw/protection/threshold_file.hpp"

namespace proact {

Protection no_protection() {
  return {"none", "none", "relu", 0, [](Network&) {}};
}

namespace {

bool is_name(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

Protection load_protection(const std::string& spec) {
  if (spec == "none") return no_protection();
  const std::size_t equals = spec.find('=');
  const bool named = equals != std::string::npos && is_name(spec.substr(0, equals));
  const std::string path = named ? spec.substr(equals + 1) : spec;
  auto file = std::make_shared<const ThresholdFile>(load_threshold_file(path));
  const ClipForm form = parse_clip_form(file->hardware_form);
  return {named ? spec.substr(0, equals) : file->method, path, file->hardware_form, file->threshold_words(),
          [file, form](Network& network) { apply_thresholds(network, *file, form); }};
}

}  // namespace proact
