#include "sw/protection/protection.hpp"

#include <memory>

#include "models/numeric/clip.hpp"
#include "sw/protection/apply.hpp"
#include "sw/protection/threshold_file.hpp"

namespace proact {

Protection no_protection() {
  return {"none", "none", "relu", 0, [](Network&) {}};
}

Protection load_protection(const std::string& spec) {
  if (spec == "none") return no_protection();
  auto file = std::make_shared<const ThresholdFile>(load_threshold_file(spec));
  const ClipForm form = parse_clip_form(file->hardware_form);
  return {file->method, spec, file->hardware_form, file->threshold_words(), [file, form](Network& network) {
            apply_thresholds(network, *file, form);
          }};
}

}  // namespace proact
