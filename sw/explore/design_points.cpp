#include "sw/explore/design_points.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sw/util/parse_number.hpp"

namespace proact {

namespace {

// "RxC" -> rows, cols; throws naming `where` otherwise.
std::pair<int, int> parse_array(const std::string& text, const std::string& where) {
  const std::size_t x = text.find('x');
  try {
    std::size_t used_rows = 0, used_cols = 0;
    if (x != std::string::npos) {
      const int rows = std::stoi(text.substr(0, x), &used_rows);
      const int cols = std::stoi(text.substr(x + 1), &used_cols);
      if (used_rows == x && used_cols == text.size() - x - 1) return {rows, cols};
    }
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(where + ": '" + text + "' is not an array size RxC (for example 16x16)");
}

template <typename T>
void require_unique(const std::vector<T>& items, const std::string& option) {
  if (items.empty()) throw std::invalid_argument(option + ": needs at least one value");
  std::set<T> seen;
  for (const T& item : items) {
    if (!seen.insert(item).second) {
      std::ostringstream text;
      text << item;
      throw std::invalid_argument(option + ": '" + text.str() + "' is given twice");
    }
  }
}

double parse_volts(const std::string& text, const std::string& where) {
  const std::optional<double> volts = parse_double(text);
  if (!volts || !(*volts > 0)) throw std::invalid_argument(where + ": '" + text + "' is not a voltage");
  return *volts;
}

}  // namespace

std::string DesignPoint::array() const { return std::to_string(rows) + "x" + std::to_string(cols); }

std::string DesignPoint::hardware() const {
  return array() + " " + dataflow_name(dataflow) + " " + format_name(format) + " ecc " + ecc_scheme_name(ecc);
}

std::vector<DesignPoint> cross_product(const DesignAxes& axes) {
  require_unique(axes.arrays, "--arrays");
  require_unique(axes.dataflows, "--dataflows");
  require_unique(axes.formats, "--formats");
  require_unique(axes.ecc, "--ecc");
  require_unique(axes.voltages, "--voltages");
  require_unique(axes.protections, "--protections");
  std::vector<DesignPoint> points;
  for (const std::string& array : axes.arrays) {
    const auto [rows, cols] = parse_array(array, "--arrays");
    for (const std::string& dataflow : axes.dataflows)
      for (const std::string& format : axes.formats)
        for (const std::string& ecc : axes.ecc)
          for (const std::string& protection : axes.protections)
            for (double volts : axes.voltages) {
              if (!(volts > 0)) throw std::invalid_argument("--voltages: " + std::to_string(volts) + " is not a voltage");
              points.push_back({rows, cols, parse_dataflow(dataflow), parse_format(format), parse_ecc_scheme(ecc), volts,
                                protection});
            }
  }
  return points;
}

std::vector<DesignPoint> load_points(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open design points '" + path + "'");
  const std::string header = "array,dataflow,format,ecc,volts,protection";
  std::string line;
  if (!std::getline(in, line) || line != header) {
    throw std::invalid_argument("design points '" + path + "': the first line must be the header " + header);
  }
  std::vector<DesignPoint> points;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::string where = "design points '" + path + "' line " + std::to_string(number);
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    if (fields.size() != 6) throw std::invalid_argument(where + ": " + std::to_string(fields.size()) + " fields, the header has 6");
    try {
      const auto [rows, cols] = parse_array(fields[0], "array");
      points.push_back({rows, cols, parse_dataflow(fields[1]), parse_format(fields[2]), parse_ecc_scheme(fields[3]),
                        parse_volts(fields[4], "volts"), fields[5]});
    } catch (const std::exception& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
  if (points.empty()) throw std::invalid_argument("design points '" + path + "': no points");
  return points;
}

AcceleratorConfig point_config(const AcceleratorConfig& base, const DesignPoint& point) {
  AcceleratorConfig config = base;
  config.array_rows = point.rows;
  config.array_cols = point.cols;
  config.dataflow = point.dataflow;
  config.weight_format = point.format;
  config.sram_word_bits = format_bits(point.format);
  config.weight_sram_ecc = point.ecc;
  try {
    config.validate();
  } catch (const std::exception& e) {
    throw std::invalid_argument("design point " + point.hardware() + ": " + e.what());
  }
  return config;
}

}  // namespace proact
