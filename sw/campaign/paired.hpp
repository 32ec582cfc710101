#pragma once
// `proact campaign report DIR --paired A,B`: two methods of one campaign compared map by map.
// Every method of a campaign sees the same fault map at each (fault model, rate, map index), so
// the per-map difference d = accuracy_B - accuracy_A removes the map-to-map spread that unpaired
// intervals carry: per rate, the mean of d with its Student-t interval and the share of maps
// where B is ahead, level or behind.
#include <string>
#include <vector>

#include "sw/campaign/map_log.hpp"
#include "sw/campaign/report.hpp"
#include "sw/campaign/statistics.hpp"

namespace proact {

struct PairedPoint {
  std::string fault_model;
  double rate = 0;
  MeanInterval difference;  // of accuracy_B - accuracy_A (fractions), over the maps both ran
  std::size_t ahead = 0, level = 0, behind = 0;  // maps where B is above, equal to, below A
};

// Per (fault model, rate), in order of first appearance, over the maps both methods ran. Throws
// std::invalid_argument when A or B has no record, or they share no map.
std::vector<PairedPoint> paired_comparison(const std::vector<MapRecord>& records, const std::string& a,
                                           const std::string& b, double confidence);

// The table of the campaign in `dir` (its maps.jsonl and campaign.json's confidence). Throws
// std::runtime_error naming the file for a directory that is not a campaign's.
std::string paired_report(const std::string& dir, const std::string& a, const std::string& b, ReportStyle style);

// `--against B`: B against every other method of the campaign in `dir` in one table, a row per
// rate and a column per other method A, each cell the mean of B - A in accuracy points, its
// paired interval and the verdict it carries: "ahead" (interval above 0), "behind" (below 0) or
// "level" (it holds 0). Same errors as paired_report.
std::string paired_summary(const std::string& dir, const std::string& b, ReportStyle style);

}  // namespace proact
