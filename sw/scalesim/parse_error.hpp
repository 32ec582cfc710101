#pragma once
// Errors in SCALE-Sim input files name the file, the line and the field, so a user can fix them.
#include <stdexcept>
#include <string>

namespace proact {

// "<path>:<line>: <field>: <problem>" (line 0 = the file as a whole).
inline std::runtime_error parse_error(const std::string& path, int line, const std::string& field,
                                      const std::string& problem) {
  return std::runtime_error(path + ":" + std::to_string(line) + ": " + field + ": " + problem);
}

// Parses a positive integer (surrounding spaces allowed) or throws parse_error.
long parse_positive(const std::string& text, const std::string& path, int line, const std::string& field);

// Trims spaces, tabs and carriage returns from both ends.
std::string trim(const std::string& text);

}  // namespace proact
