#pragma once
// A campaign's results per point (fault model, rate, method): statistics over its maps and the
// DIR/results.csv table. Summaries depend only on the records' results, taken in map order, so
// any split of maps over processes, and any interruption and resume, gives the same file.
#include <string>
#include <vector>

#include "sw/campaign/map_log.hpp"
#include "sw/campaign/statistics.hpp"

namespace proact {

struct SummaryOptions {
  std::size_t maps = 100;        // maps per point (the largest prefix used)
  double confidence = 0.95;
  double until_ci = 0;           // > 0: keep the shortest prefix whose accuracy half-width is below it
  std::size_t min_maps = 5;      // --until-ci: never stop before this many maps
};

struct PointSummary {
  std::string fault_model, method;
  double rate = 0, ber = 0;
  double clean_accuracy = 0;    // the method's fault-free accuracy on the same images
  MeanInterval accuracy;        // over maps (fractions)
  Proportion sdc;               // maps with at least one changed prediction
  double mismatch_rate = 0;     // mean fraction of images whose prediction changed
  double faults = 0;            // mean faults per map
  double ecc_corrected = 0, ecc_detected = 0, ecc_silent = 0;  // mean word reads per accelerator run
};

// The maps of one point to use: records with map < options.maps, in map order; with until_ci, the
// prefix of contiguous maps from 0 that meets the rule (or all contiguous maps).
std::vector<MapRecord> point_maps(std::vector<MapRecord> records, const SummaryOptions& options);

// The summary of one point from its records (all of one fault model, rate and method, as
// point_maps returns them); accuracy.n = 0 when there are none. ber and clean_accuracy are left
// for the caller.
PointSummary summarize_point(const std::vector<MapRecord>& maps, const SummaryOptions& options);

// A number as the CSV files write it: 10 significant digits, "nan" for NaN.
std::string csv_number(double value);

// results.csv: a header, then one row per point: fault_model, rate, ber, method, maps,
// mean_accuracy, std, ci_low, ci_high, sdc_rate, sdc_low, sdc_high, mismatch_rate,
// clean_accuracy, faults_mean, ecc_corrected, ecc_detected, ecc_silent. Accuracies are fractions;
// numbers are printed with 10 significant digits; an undefined interval is "nan".
std::string results_csv(const std::vector<PointSummary>& points);

}  // namespace proact
