#pragma once
// Reading a JSON file into a value: the parse function's errors and JSON syntax errors come back
// as one std::invalid_argument naming the kind of file and its path, e.g.
// "energy table 'my.json': mac_pj.fp32: missing".
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace proact {

// `what` names the kind of file ("accelerator config"); parse: const nlohmann::json& -> T.
template <typename Parse>
auto parse_json_file(const std::string& path, const std::string& what, Parse parse) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + what + " '" + path + "'");
  try {
    return parse(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    throw std::invalid_argument(what + " '" + path + "': " + e.what());
  }
}

}  // namespace proact
