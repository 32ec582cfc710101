#include "sw/campaign/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/util/parse_number.hpp"

namespace proact {

namespace {

struct Cell {
  double mean = NAN, low = NAN, high = NAN;  // fractions; the interval is NaN for a single map
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// "12,345" for counts.
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

class ResultsTable {
 public:
  explicit ResultsTable(const std::string& path) : path_(path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open (is this a campaign directory?)");
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error(path + ": empty");
    const std::vector<std::string> header = split(line);
    for (std::size_t i = 0; i < header.size(); ++i) column_[header[i]] = i;
    for (int row = 2; std::getline(in, line); ++row) {
      if (line.empty()) continue;
      const std::vector<std::string> f = split(line);
      if (f.size() != header.size())
        throw std::runtime_error(path + ":" + std::to_string(row) + ": " + std::to_string(f.size()) +
                                 " fields, header has " + std::to_string(header.size()));
      const double rate = number(f, "rate", row);
      const std::string method = f[index("method")];
      if (std::find(rates_.begin(), rates_.end(), rate) == rates_.end()) rates_.push_back(rate);
      if (std::find(methods_.begin(), methods_.end(), method) == methods_.end()) methods_.push_back(method);
      ber_[rate] = number(f, "ber", row);
      clean_[method] = number(f, "clean_accuracy", row);
      cells_[{rate, method}] = {number(f, "mean_accuracy", row), number(f, "ci_low", row), number(f, "ci_high", row)};
    }
  }

  const std::vector<double>& rates() const { return rates_; }
  const std::vector<std::string>& methods() const { return methods_; }
  double ber(double rate) const { return ber_.at(rate); }
  double clean(const std::string& method) const { return clean_.at(method); }
  const Cell* cell(double rate, const std::string& method) const {
    const auto it = cells_.find({rate, method});
    return it == cells_.end() ? nullptr : &it->second;
  }

 private:
  std::size_t index(const std::string& name) const {
    const auto it = column_.find(name);
    if (it == column_.end()) throw std::runtime_error(path_ + ": no column '" + name + "'");
    return it->second;
  }
  double number(const std::vector<std::string>& fields, const std::string& name, int row) const {
    const std::string& text = fields[index(name)];
    if (const std::optional<double> value = parse_double(text)) return *value;
    throw std::runtime_error(path_ + ":" + std::to_string(row) + ": " + name + " '" + text + "' is not a number");
  }

  std::string path_;
  std::map<std::string, std::size_t> column_;
  std::vector<double> rates_;
  std::vector<std::string> methods_;
  std::map<double, double> ber_;
  std::map<std::string, double> clean_;
  std::map<std::pair<double, std::string>, Cell> cells_;
};

std::string render(const std::vector<std::vector<std::string>>& rows, ReportStyle style) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& text = rows[r][c];
      const std::string pad(width[c] - text.size(), ' ');
      if (style == ReportStyle::markdown) {
        out += (c == 0 ? "| " : " | ") + text;
      } else {
        out += (c == 0 ? text + pad : "  " + pad + text);
      }
    }
    out += style == ReportStyle::markdown ? " |\n" : "\n";
    if (r == 0 && style == ReportStyle::markdown) {
      out += "| ---";
      for (std::size_t c = 1; c < rows[r].size(); ++c) out += " | ---:";
      out += " |\n";
    }
  }
  return out;
}

}  // namespace

nlohmann::json read_campaign_json(const std::string& dir) {
  const std::string path = dir + "/campaign.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open (is this a campaign directory?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::string campaign_report(const std::string& dir, ReportStyle style) {
  const ResultsTable table(dir + "/results.csv");
  const nlohmann::json campaign = read_campaign_json(dir);
  const nlohmann::json& identity = campaign.at("identity");
  const std::string fault_model = identity.at("fault_model").at("name");
  const bool voltage = fault_model == "voltage";
  std::map<std::string, nlohmann::json> protection;
  for (const nlohmann::json& p : campaign.value("protections", nlohmann::json::array())) protection[p.at("method")] = p;

  const bool markdown = style == ReportStyle::markdown;
  const std::string plus_minus = markdown ? "±" : "+-";
  const std::string status = campaign.value("status", std::string());
  const std::string title = identity.value("model", std::string("?")) + ", " + fault_model + ", " +
                            identity.value("engine", std::string("?")) + " engine, " +
                            campaign.at("images").value("source", std::string("?")) + ", " +
                            std::to_string(campaign.value("maps", 0)) + " maps per point, seed " +
                            identity.at("seed").dump() + (status == "finished" ? "" : " [" + status + "]");
  std::string out = markdown ? "**" + title + "**\n\n" : title + "\n";
  out += "mean top-1 accuracy % " + plus_minus + " the " + format("%g", 100 * campaign.value("confidence", 0.95)) +
         " % confidence half-width over maps (SDC rates and ECC counts: results.csv)\n\n";

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {voltage ? "supply V (BER)" : "rate"};
  for (const std::string& m : table.methods()) {
    const auto it = protection.find(m);
    header.push_back(m + (it == protection.end() ? "" : " (" + it->second.value("clip_form", std::string("?")) + ")"));
  }
  rows.push_back(header);
  std::vector<std::string> words = {"threshold words"}, clean = {"fault-free"};
  for (const std::string& m : table.methods()) {
    const auto it = protection.find(m);
    words.push_back(it != protection.end() && it->second.contains("threshold_words")
                        ? grouped(it->second.at("threshold_words").get<std::size_t>())
                        : "-");
    clean.push_back(format("%.2f", 100 * table.clean(m)));
  }
  rows.push_back(words);
  rows.push_back(clean);
  for (double rate : table.rates()) {
    std::vector<std::string> row = {voltage ? format("%.2f", rate) + " (" + format("%.2g", table.ber(rate)) + ")"
                                            : format("%g", rate)};
    for (const std::string& m : table.methods()) {
      const Cell* c = table.cell(rate, m);
      if (!c) {
        row.push_back("-");
        continue;
      }
      std::string text = format("%.2f", 100 * c->mean);
      if (!std::isnan(c->high))
        text += " " + plus_minus + " " + format("%.2f", 100 * (c->high - c->low) / 2);
      row.push_back(text);
    }
    rows.push_back(row);
  }
  return out + render(rows, style);
}

}  // namespace proact
