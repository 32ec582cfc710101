#include "sw/scalesim/parse_error.hpp"

#include <cerrno>
#include <cstdlib>

namespace proact {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

long parse_positive(const std::string& text, const std::string& path, int line, const std::string& field) {
  const std::string value = trim(text);
  char* end = nullptr;
  errno = 0;
  const long number = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE || number < 1) {
    throw parse_error(path, line, field, "expected a positive integer, got '" + value + "'");
  }
  return number;
}

}  // namespace proact
