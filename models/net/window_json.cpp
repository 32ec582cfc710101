#include "models/net/window_json.hpp"

namespace proact {

nlohmann::json size_json(const Size2d& size) {
  if (size.is_square()) return size.height;
  return nlohmann::json::array({size.height, size.width});
}

nlohmann::json padding_json(const Padding2d& padding) {
  if (padding.is_uniform()) return padding.top;
  return nlohmann::json::array({padding.top, padding.left, padding.bottom, padding.right});
}

}  // namespace proact
