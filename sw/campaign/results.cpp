#include "sw/campaign/results.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace proact {

std::string csv_number(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::vector<MapRecord> point_maps(std::vector<MapRecord> records, const SummaryOptions& options) {
  records.erase(std::remove_if(records.begin(), records.end(), [&](const MapRecord& r) { return r.map >= options.maps; }),
                records.end());
  std::sort(records.begin(), records.end(), [](const MapRecord& a, const MapRecord& b) { return a.map < b.map; });
  if (options.until_ci <= 0) return records;
  std::size_t contiguous = 0;
  while (contiguous < records.size() && records[contiguous].map == contiguous) ++contiguous;
  records.resize(contiguous);
  std::vector<double> accuracies;
  for (const MapRecord& r : records) accuracies.push_back(r.accuracy());
  records.resize(until_ci_maps(accuracies, options.until_ci, options.confidence, options.min_maps));
  return records;
}

PointSummary summarize_point(const std::vector<MapRecord>& maps, const SummaryOptions& options) {
  PointSummary s;
  if (maps.empty()) return s;
  s.fault_model = maps.front().fault_model;
  s.method = maps.front().method;
  s.rate = maps.front().rate;
  std::vector<double> accuracies;
  std::size_t sdc = 0;
  double mismatches = 0;
  for (const MapRecord& r : maps) {
    accuracies.push_back(r.accuracy());
    sdc += r.sdc();
    mismatches += static_cast<double>(r.mismatches) / static_cast<double>(std::max<std::size_t>(r.images, 1));
    s.faults += static_cast<double>(r.faults);
    s.ecc_corrected += static_cast<double>(r.ecc.corrected);
    s.ecc_detected += static_cast<double>(r.ecc.detected);
    s.ecc_silent += static_cast<double>(r.ecc.silent);
  }
  const auto n = static_cast<double>(maps.size());
  s.accuracy = mean_interval(accuracies, options.confidence);
  s.sdc = wilson_interval(sdc, maps.size(), options.confidence);
  s.mismatch_rate = mismatches / n;
  s.faults /= n;
  s.ecc_corrected /= n;
  s.ecc_detected /= n;
  s.ecc_silent /= n;
  return s;
}

std::string results_csv(const std::vector<PointSummary>& points) {
  std::string text =
      "fault_model,rate,ber,method,maps,mean_accuracy,std,ci_low,ci_high,sdc_rate,sdc_low,sdc_high,mismatch_rate,"
      "clean_accuracy,faults_mean,ecc_corrected,ecc_detected,ecc_silent\n";
  for (const PointSummary& p : points) {
    const std::vector<std::string> cells = {
        p.fault_model, csv_number(p.rate), csv_number(p.ber), p.method, std::to_string(p.accuracy.n),
        csv_number(p.accuracy.mean), csv_number(p.accuracy.sd), csv_number(p.accuracy.low), csv_number(p.accuracy.high),
        csv_number(p.sdc.rate), csv_number(p.sdc.low), csv_number(p.sdc.high), csv_number(p.mismatch_rate),
        csv_number(p.clean_accuracy), csv_number(p.faults), csv_number(p.ecc_corrected), csv_number(p.ecc_detected),
        csv_number(p.ecc_silent)};
    for (std::size_t i = 0; i < cells.size(); ++i) text += (i ? "," : "") + cells[i];
    text += '\n';
  }
  return text;
}

}  // namespace proact
