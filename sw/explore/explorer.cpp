#include "sw/explore/explorer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

#include "models/io/directory_lock.hpp"
#include "models/io/output_file.hpp"
#include "sw/campaign/runner.hpp"
#include "sw/protection/protection.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace fs = std::filesystem;

namespace {

// One campaign: the points whose accuracy it measures, on `config`'s weight SRAM.
struct AccuracyGroup {
  std::string name;  // its directory under DIR/accuracy
  AcceleratorConfig config;
  std::vector<std::string> protections;  // in the points' order
  std::vector<double> voltages;          // highest first
  std::vector<std::size_t> rows;         // indices into the report's rows
};

template <typename T>
void add_once(std::vector<T>& items, const T& item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
}

std::string group_name(const DesignPoint& point, bool per_hardware) {
  std::string name = format_name(point.format) + "-ecc-" + ecc_scheme_name(point.ecc);
  if (per_hardware) name = point.array() + "-" + dataflow_name(point.dataflow) + "-" + name;
  return name;
}

std::vector<AccuracyGroup> accuracy_groups(const ExploreOptions& o) {
  const bool per_hardware = o.engine == Engine::systemc;
  if (per_hardware) {
    for (const DesignPoint& p : o.points) {
      if (p.hardware() != o.points.front().hardware()) {
        throw std::invalid_argument("--engine systemc explores one hardware per run (the SystemC model elaborates once "
                                    "per process): the points have " + o.points.front().hardware() + " and " +
                                    p.hardware() + "; use the functional engine or one array, dataflow, format and ECC");
      }
    }
  }
  std::vector<AccuracyGroup> groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < o.points.size(); ++i) {
    const DesignPoint& p = o.points[i];
    const std::string name = group_name(p, per_hardware);
    auto [it, added] = index.emplace(name, groups.size());
    if (added) {
      // The functional engine's group faults the first array's weight-stationary layout.
      DesignPoint layout = p;
      if (!per_hardware) {
        layout.rows = o.points.front().rows;
        layout.cols = o.points.front().cols;
        layout.dataflow = Dataflow::ws;
      }
      groups.push_back({name, point_config(o.base, layout), {}, {}, {}});
    }
    AccuracyGroup& g = groups[it->second];
    add_once(g.protections, p.protection);
    add_once(g.voltages, p.volts);
    g.rows.push_back(i);
  }
  for (AccuracyGroup& g : groups) std::sort(g.voltages.rbegin(), g.voltages.rend());
  return groups;
}

nlohmann::json identity(const ExploreOptions& o) {
  nlohmann::json points = nlohmann::json::array();
  for (const DesignPoint& p : o.points)
    points.push_back({{"array", p.array()}, {"dataflow", dataflow_name(p.dataflow)}, {"format", format_name(p.format)},
                      {"ecc", ecc_scheme_name(p.ecc)}, {"volts", p.volts}, {"protection", p.protection}});
  return {{"model", o.model},         {"points", points},           {"base", config_to_json(o.base)},
          {"seed", o.seed},           {"engine", engine_name(o.engine)}, {"limit", o.limit},
          {"batch", o.batch},         {"fault_model", o.fault_model.to_json()}, {"data", o.data.to_json()},
          {"maps", o.summary.maps},   {"until_ci", o.summary.until_ci}, {"confidence", o.summary.confidence},
          {"energy_table", o.energy_table.name}};
}

// explore.json: the options; a second run needs --resume and the same options.
void prepare_on_rank0(const ExploreOptions& o) {
  prepare_output_directory(o.out);
  const std::string path = o.out + "/explore.json";
  const nlohmann::json now = identity(o);
  if (fs::exists(path)) {
    if (!o.resume) {
      throw std::invalid_argument("'" + o.out + "' already holds an exploration (explore.json); pass --resume to "
                                  "continue it or choose another --out");
    }
    std::ifstream in(path);
    const nlohmann::json before = nlohmann::json::parse(in);
    for (const auto& item : now.items()) {
      if (before.value(item.key(), nlohmann::json()) != item.value()) {
        throw std::invalid_argument("cannot resume '" + o.out + "': it was run with " + item.key() + " = " +
                                    before.value(item.key(), nlohmann::json()).dump() + ", this command has " +
                                    item.value().dump() + " (resume with the same options, or use another --out)");
      }
    }
  }
  write_file_atomically(path, now.dump(2) + "\n");
}

// Every process throws rank 0's error. Rank 0 returns DIR's lock, held while the exploration runs.
DirectoryLock prepare(const ExploreOptions& o, const ProcessGroup& group) {
  if (o.out.empty()) throw std::invalid_argument("proact explore needs --out DIR");
  DirectoryLock lock;
  together(group, [&] {
    if (group.rank() != 0) return;
    lock = DirectoryLock(o.out);
    prepare_on_rank0(o);
  });
  return lock;
}

void write_outputs(const ExploreOptions& o, ExploreReport& report) {
  mark_pareto_front(report.rows);
  const std::string title = o.model + ": energy per image against accuracy under weight-SRAM faults";
  report.points_csv = o.out + "/points.csv";
  write_file_atomically(report.points_csv, explore_csv(report.rows));
  report.summary = o.out + "/summary.md";
  write_file_atomically(report.summary, explore_summary(report.rows, o.tolerance, title));
  try {
    report.plot = plot_pareto(o.out, report.rows, title);
  } catch (const std::exception& e) {
    std::cerr << "explore: no plot: " << e.what() << "\n";
    report.plot.clear();
  }
}

}  // namespace

ExploreReport run_explore(const ExploreOptions& o, const ProcessGroup& group) {
  const auto start = std::chrono::steady_clock::now();
  if (o.points.empty()) throw std::invalid_argument("proact explore: no design points");
  if (o.fault_model.kind != FaultModelKind::voltage) throw std::invalid_argument("proact explore runs the voltage fault model");
  std::vector<AccuracyGroup> groups = accuracy_groups(o);

  // Every point's costs first: a point the hardware cannot run fails before DIR is touched.
  ExploreReport report;
  PointCosts costs(o.model, o.data, o.energy_table, o.base, o.batch);
  std::map<std::string, std::string> methods;  // protection spec -> its method name in campaign results
  for (const DesignPoint& p : o.points) {
    ExploreRow row{p, costs.cost(p), {}, "", false};
    row.accuracy.ber = o.fault_model.ber(p.volts);
    if (!methods.count(p.protection)) methods[p.protection] = load_protection(p.protection).method;
    row.accuracy.method = methods[p.protection];
    report.rows.push_back(std::move(row));
  }
  const DirectoryLock lock = prepare(o, group);

  report.finished = true;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const AccuracyGroup& ag = groups[g];
    CampaignOptions c;
    c.model = o.model;
    c.thresholds = ag.protections;
    c.fault_model = o.fault_model;
    c.rates = ag.voltages;
    c.seed = o.seed;
    c.out = o.out + "/accuracy/" + ag.name;
    c.engine = o.engine;
    c.resume = o.resume || fs::exists(c.out + "/campaign.json");
    c.limit = o.limit;
    c.batch = o.batch;
    c.accelerator = ag.config;
    c.summary = o.summary;
    c.data = o.data;
    c.show_progress = o.show_progress;
    if (o.stop_after > 0) {
      if (report.maps_run >= o.stop_after) {
        report.finished = false;
        break;
      }
      c.stop_after = o.stop_after - report.maps_run;
    }
    if (o.show_progress && group.rank() == 0) {
      // The groups done so far time the rest (groups of a cross product run the same maps).
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "explore: accuracy group " << g + 1 << " of " << groups.size() << " (" << ag.name << ", faults on "
                << ag.config.array_rows << "x" << ag.config.array_cols << " " << dataflow_name(ag.config.dataflow)
                << "): " << ag.protections.size() << " protections x " << ag.voltages.size() << " voltages, shared by "
                << ag.rows.size() << " points";
      if (g > 0) std::cerr << "; explore ETA about " << format_duration(elapsed / g * static_cast<double>(groups.size() - g));
      std::cerr << "\n";
    }
    const CampaignReport campaign = run_campaign(c, group);
    report.maps_run += campaign.maps_run;
    for (std::size_t i : ag.rows) {
      ExploreRow& row = report.rows[i];
      row.accuracy_group = ag.name;
      for (const PointSummary& s : campaign.points)
        if (s.method == row.accuracy.method && std::abs(s.rate - row.point.volts) < 1e-12) row.accuracy = s;
    }
    if (group.rank() == 0) write_outputs(o, report);
    if (!campaign.finished) {
      report.finished = false;
      break;
    }
  }
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace proact
