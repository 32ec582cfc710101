#pragma once
// `proact campaign report DIR...`: a finished (or stopped) campaign's results.csv and
// campaign.json as a table to read or paste: one row per rate, one column per method, each cell
// the mean top-1 accuracy with its confidence half-width, plus the rows a comparison needs (the
// method's stored threshold words, its fault-free accuracy on the same images).
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace proact {

enum class ReportStyle { text, markdown };

// Throws std::runtime_error naming the file and the problem (missing, a results.csv without a
// column the table needs, a malformed number).
std::string campaign_report(const std::string& dir, ReportStyle style);

// DIR/campaign.json parsed; throws std::runtime_error naming the file when it is missing or malformed.
nlohmann::json read_campaign_json(const std::string& dir);

}  // namespace proact
