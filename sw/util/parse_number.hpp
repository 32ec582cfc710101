#pragma once
// Numbers typed by users or read from text files.
#include <optional>
#include <string>

namespace proact {

// The whole of `text` as a double (std::stod's syntax, "nan" and "inf" included); nullopt when
// it is empty, is not a number or has anything after the number.
std::optional<double> parse_double(const std::string& text);

}  // namespace proact
