#pragma once
// An enum's spellings as one table, the single source of its parse_* and *_name functions: each
// value's name, each accepted spelling's value (a value's first spelling is its name; later ones
// are accepted too, e.g. an older spelling), and one error for a spelling not in the table.
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace proact {

template <typename Enum>
class NameTable {
 public:
  // `what` names the kind in errors ("dataflow").
  NameTable(std::string what, std::initializer_list<std::pair<Enum, const char*>> spellings)
      : what_(std::move(what)) {
    for (const auto& [value, spelling] : spellings) spellings_.emplace_back(value, spelling);
  }

  // Throws std::logic_error for a value the table does not list.
  const std::string& name(Enum value) const {
    for (const auto& [v, spelling] : spellings_)
      if (v == value) return spelling;
    throw std::logic_error("a " + what_ + " value has no name");
  }

  // Throws std::invalid_argument: "unknown <what> '<text>' (expected one of a, b, c)".
  Enum parse(const std::string& text) const {
    for (const auto& [value, spelling] : spellings_)
      if (spelling == text) return value;
    std::string list;
    for (const std::string& n : names()) list += (list.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown " + what_ + " '" + text + "' (expected one of " + list + ")");
  }

  // Every value's name, in table order.
  std::vector<std::string> names() const {
    std::vector<std::string> list;
    for (std::size_t i = 0; i < spellings_.size(); ++i) {
      bool first = true;
      for (std::size_t j = 0; j < i; ++j) first = first && !(spellings_[j].first == spellings_[i].first);
      if (first) list.push_back(spellings_[i].second);
    }
    return list;
  }

 private:
  std::string what_;
  std::vector<std::pair<Enum, std::string>> spellings_;
};

}  // namespace proact
