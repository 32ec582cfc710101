#include "sw/campaign/paired.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>

namespace proact {

std::vector<PairedPoint> paired_comparison(const std::vector<MapRecord>& records, const std::string& a,
                                           const std::string& b, double confidence) {
  // (fault model, rate, map) -> accuracy of each method; points in order of first appearance.
  using Point = std::pair<std::string, double>;
  std::map<std::tuple<std::string, double, std::size_t>, double> of_a, of_b;
  std::vector<Point> points;
  for (const MapRecord& r : records) {
    if (r.method != a && r.method != b) continue;
    (r.method == a ? of_a : of_b)[{r.fault_model, r.rate, r.map}] = r.accuracy();
    const Point point{r.fault_model, r.rate};
    if (std::find(points.begin(), points.end(), point) == points.end()) points.push_back(point);
  }
  if (of_a.empty()) throw std::invalid_argument("no maps of method '" + a + "' in the campaign");
  if (of_b.empty()) throw std::invalid_argument("no maps of method '" + b + "' in the campaign");
  std::map<Point, std::vector<double>> differences;  // per point, over the maps both ran, in map order
  for (const auto& [key, accuracy_a] : of_a) {
    const auto other = of_b.find(key);
    if (other != of_b.end()) differences[{std::get<0>(key), std::get<1>(key)}].push_back(other->second - accuracy_a);
  }
  std::vector<PairedPoint> out;
  for (const Point& p : points) {
    const auto found = differences.find(p);
    if (found == differences.end()) continue;
    PairedPoint point;
    point.fault_model = p.first;
    point.rate = p.second;
    for (double d : found->second) (d > 0 ? point.ahead : d < 0 ? point.behind : point.level) += 1;
    point.difference = mean_interval(found->second, confidence);
    out.push_back(point);
  }
  if (out.empty()) throw std::invalid_argument("methods '" + a + "' and '" + b + "' share no fault map");
  return out;
}

namespace {

std::string signed_points(double fraction) {
  char text[32];
  if (std::isnan(fraction)) return "-";
  std::snprintf(text, sizeof text, "%+.2f", 100.0 * fraction);
  return text;
}

std::string share(std::size_t count, std::size_t total) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f %%", 100.0 * static_cast<double>(count) / static_cast<double>(total));
  return text;
}

// "proact-paper on lenet5, seed 1": what a paired table compares on.
std::string comparison_subject(const nlohmann::json& campaign) {
  const nlohmann::json identity = campaign.value("identity", nlohmann::json::object());
  return identity.value("fault_model", nlohmann::json::object()).value("name", "?") + " on " +
         identity.value("model", std::string("?")) + ", seed " + std::to_string(identity.value("seed", 0ull));
}

}  // namespace

std::string paired_report(const std::string& dir, const std::string& a, const std::string& b, ReportStyle style) {
  const nlohmann::json campaign = read_campaign_json(dir);
  const double confidence = campaign.value("confidence", 0.95);
  const std::vector<PairedPoint> points = paired_comparison(read_campaign_maps(dir), a, b, confidence);
  char title[512];
  std::snprintf(title, sizeof title, "%s against %s on the same fault maps: %s; accuracy points, %.0f %% paired interval",
                b.c_str(), a.c_str(), comparison_subject(campaign).c_str(), 100.0 * confidence);
  std::string out;
  char line[512];
  if (style == ReportStyle::markdown) {
    out = std::string("**") + title + "**\n\n";
    out += "| rate | maps | " + b + " - " + a + " | interval | " + b + " ahead | level | behind |\n";
    out += "| --- | ---: | ---: | --- | ---: | ---: | ---: |\n";
  } else {
    out = std::string(title) + "\n";
    std::snprintf(line, sizeof line, "%-12s %-10s %6s %10s %20s %8s %7s %7s\n", "fault model", "rate", "maps", "mean",
                  "interval", "ahead", "level", "behind");
    out += line;
  }
  for (const PairedPoint& p : points) {
    const std::size_t n = p.difference.n;
    const std::string interval = "[" + signed_points(p.difference.low) + ", " + signed_points(p.difference.high) + "]";
    if (style == ReportStyle::markdown) {
      std::snprintf(line, sizeof line, "| %g | %zu | %s | %s | %s | %s | %s |\n", p.rate, n,
                    signed_points(p.difference.mean).c_str(), interval.c_str(), share(p.ahead, n).c_str(),
                    share(p.level, n).c_str(), share(p.behind, n).c_str());
    } else {
      std::snprintf(line, sizeof line, "%-12s %-10g %6zu %10s %20s %8s %7s %7s\n", p.fault_model.c_str(), p.rate, n,
                    signed_points(p.difference.mean).c_str(), interval.c_str(), share(p.ahead, n).c_str(),
                    share(p.level, n).c_str(), share(p.behind, n).c_str());
    }
    out += line;
  }
  return out;
}

std::string paired_summary(const std::string& dir, const std::string& b, ReportStyle style) {
  const nlohmann::json campaign = read_campaign_json(dir);
  const double confidence = campaign.value("confidence", 0.95);
  const std::vector<MapRecord> records = read_campaign_maps(dir);
  std::vector<std::string> others;
  for (const nlohmann::json& p : campaign.value("protections", nlohmann::json::array())) {
    const std::string method = p.value("method", std::string());
    if (method != b) others.push_back(method);
  }
  std::vector<std::vector<PairedPoint>> columns;
  for (const std::string& a : others) columns.push_back(paired_comparison(records, a, b, confidence));
  char title[512];
  std::snprintf(title, sizeof title,
                "%s against every other method on the same fault maps: %s; mean difference in accuracy points "
                "[%.0f %% paired interval]",
                b.c_str(), comparison_subject(campaign).c_str(), 100.0 * confidence);
  const auto cell = [](const PairedPoint& p) {
    const MeanInterval& d = p.difference;
    const char* verdict = d.low > 0 ? "ahead" : d.high < 0 ? "behind" : "level";
    return signed_points(d.mean) + " [" + signed_points(d.low) + ", " + signed_points(d.high) + "] " + verdict;
  };
  const bool markdown = style == ReportStyle::markdown;
  std::string out = markdown ? std::string("**") + title + "**\n\n| rate |" : std::string(title) + "\nrate        ";
  for (const std::string& a : others) out += markdown ? " " + b + " - " + a + " |" : "  " + b + " - " + a;
  out += "\n";
  if (markdown) {
    out += "| --- |";
    for (std::size_t i = 0; i < others.size(); ++i) out += " --- |";
    out += "\n";
  }
  const std::vector<PairedPoint>& rates = columns.empty() ? std::vector<PairedPoint>{} : columns.front();
  for (std::size_t r = 0; r < rates.size(); ++r) {
    char rate[32];
    std::snprintf(rate, sizeof rate, markdown ? "| %g |" : "%-12g", rates[r].rate);
    out += rate;
    for (const std::vector<PairedPoint>& column : columns) {
      const auto same = std::find_if(column.begin(), column.end(), [&](const PairedPoint& p) {
        return p.fault_model == rates[r].fault_model && p.rate == rates[r].rate;
      });
      const std::string text = same == column.end() ? "-" : cell(*same);
      out += markdown ? " " + text + " |" : "  " + text;
    }
    out += "\n";
  }
  return out;
}

}  // namespace proact
