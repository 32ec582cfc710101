#pragma once
// A fault campaign end to end (issue 5, docs/faults.md): every (rate, map, protection) of a fault
// model on one zoo model, on either engine, sharded over the processes of a ProcessGroup, with
// results appended to DIR after every map and resumable.
//
// Work order: rates in the given order; within a rate, maps in waves of one map per process
// (rank r takes the r-th pending map of the wave), each map run for every protection still
// pending; after each wave the processes exchange their records, so every process knows the
// same results and takes the same decisions (--until-ci stopping, --stop-after). A map's faults
// depend only on (seed, fault model, rate, map index), never on the process or the order.
//
// DIR holds maps.jsonl (one record per map and protection, see map_log.hpp), results.csv
// (rewritten atomically after every wave), campaign.json (config, seeds, versions, wall time of
// every invocation) and accuracy_vs_rate.{png,gp,dat}.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw/config.hpp"
#include "sw/faults/fault_models.hpp"
#include "sw/campaign/process_group.hpp"
#include "sw/campaign/results.hpp"
#include "sw/data/data_spec.hpp"
#include "sw/engine/inference.hpp"

namespace proact {

struct CampaignOptions {
  std::string model = "lenet5";                   // zoo name or checkpoint path
  std::vector<std::string> thresholds = {"none"};  // one protection each: "none" or a threshold file
  FaultModel fault_model;
  std::vector<double> rates;                       // the model's rates (voltage: supply voltages)
  std::uint64_t seed = 1;
  std::string out;                                 // DIR
  Engine engine = Engine::functional;
  bool resume = false;
  std::size_t limit = 0;                           // first N test images (0 = all 10000)
  int batch = 64;                                  // images per accelerator run (systemc)
  AcceleratorConfig accelerator;                   // with the weight SRAM's ECC (physical models)
  SummaryOptions summary;                          // maps per point, confidence, --until-ci
  std::size_t stop_after = 0;                      // > 0: stop after this many map runs, as if killed
  bool incremental = true;                         // functional engine: reuse clean activations
  std::size_t cache_mb = 0;                        // ... kept within this many MiB per protection
                                                   // (0: automatic_cache_bytes)
  DataSpec data;                                   // the test split of this data set, normalised
  bool show_progress = true;                       // progress line with ETA on stderr (rank 0)
};

struct CampaignReport {
  std::vector<PointSummary> points;  // every point with at least one map, rates then protections
  std::string results_csv, campaign_json, plot;  // paths (plot empty if gnuplot failed)
  std::size_t maps_run = 0;          // map runs in this invocation, all processes
  bool finished = false;             // every point complete (false after --stop-after)
  double wall_seconds = 0;
  double map_seconds = 0;            // wall time of the map runs alone (no loading, no fault-free pass)
  nlohmann::json campaign;           // what campaign.json holds
};

// Throws std::invalid_argument / std::runtime_error with a message naming the option or file;
// every process of the group throws the same error.
CampaignReport run_campaign(const CampaignOptions& options, const ProcessGroup& group);

}  // namespace proact
