#pragma once
// Window settings as layer attributes (checkpoints, reports): one number where both axes (or all
// four sides) agree, as the square layers have always written them, else [height, width]
// ([top, left, bottom, right]).
#include <nlohmann/json.hpp>

#include "models/kernels/window.hpp"

namespace proact {

nlohmann::json size_json(const Size2d& size);
nlohmann::json padding_json(const Padding2d& padding);

}  // namespace proact
