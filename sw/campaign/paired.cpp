#include "sw/campaign/paired.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
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

}  // namespace

std::string paired_report(const std::string& dir, const std::string& a, const std::string& b, ReportStyle style) {
  const std::filesystem::path campaign_path = std::filesystem::path(dir) / "campaign.json";
  std::ifstream in(campaign_path);
  if (!in) throw std::runtime_error(campaign_path.string() + ": cannot open (is this a campaign directory?)");
  nlohmann::json campaign;
  try {
    campaign = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(campaign_path.string() + ": " + e.what());
  }
  const double confidence = campaign.value("confidence", 0.95);
  const std::vector<PairedPoint> points =
      paired_comparison(read_campaign_maps(dir), a, b, confidence);
  const nlohmann::json identity = campaign.value("identity", nlohmann::json::object());
  char title[512];
  std::snprintf(title, sizeof title,
                "%s against %s on the same fault maps: %s on %s, seed %llu; accuracy points, %.0f %% paired interval",
                b.c_str(), a.c_str(), identity.value("fault_model", nlohmann::json::object()).value("name", "?").c_str(),
                identity.value("model", std::string("?")).c_str(),
                static_cast<unsigned long long>(identity.value("seed", 0ull)), 100.0 * confidence);
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

}  // namespace proact
