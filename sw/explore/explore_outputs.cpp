#include "sw/explore/explore_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "models/io/output_file.hpp"
#include "sw/explore/pareto.hpp"
#include "sw/util/gnuplot.hpp"

namespace proact {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool measured(const ExploreRow& row) { return row.accuracy.accuracy.n > 0; }

std::string design_name(const ExploreRow& row) {
  return row.point.hardware() + ", " + (row.accuracy.method.empty() ? row.point.protection : row.accuracy.method);
}

// The rows of each design (hardware and protection) in order of first appearance, highest voltage first.
std::vector<std::vector<const ExploreRow*>> designs(const std::vector<ExploreRow>& rows) {
  std::vector<std::vector<const ExploreRow*>> groups;
  std::map<std::string, std::size_t> index;
  for (const ExploreRow& row : rows) {
    const std::string key = row.point.hardware() + " | " + row.point.protection;
    auto [it, added] = index.emplace(key, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&row);
  }
  for (auto& group : groups)
    std::stable_sort(group.begin(), group.end(),
                     [](const ExploreRow* a, const ExploreRow* b) { return a->point.volts > b->point.volts; });
  return groups;
}

}  // namespace

void mark_pareto_front(std::vector<ExploreRow>& rows) {
  std::vector<ParetoCandidate> candidates;
  for (const ExploreRow& row : rows)
    candidates.push_back({row.cost.energy.total(), measured(row) ? row.accuracy.accuracy.mean : kNaN});
  const std::vector<bool> front = pareto_front(candidates);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].on_front = front[i];
}

std::string explore_csv(const std::vector<ExploreRow>& rows) {
  std::ostringstream csv;
  csv << "array,dataflow,format,ecc,protection,method,volts,ber,cycles_per_image,energy_pj,energy_mac_pj,"
         "energy_sram_pj,energy_dram_pj,energy_leakage_pj,nominal_energy_pj,energy_saving,area_mm2,maps,accuracy,"
         "ci_low,ci_high,clean_accuracy,on_front,accuracy_group\n";
  for (const ExploreRow& r : rows) {
    const EnergyBreakdown& e = r.cost.energy;
    const MeanInterval& a = r.accuracy.accuracy;
    const bool m = measured(r);
    const std::vector<std::string> cells = {
        r.point.array(), dataflow_name(r.point.dataflow), format_name(r.point.format), ecc_scheme_name(r.point.ecc),
        r.point.protection, r.accuracy.method, csv_number(r.point.volts), csv_number(r.accuracy.ber),
        csv_number(r.cost.cycles_per_image), csv_number(e.total()), csv_number(e.mac), csv_number(e.sram()),
        csv_number(e.dram), csv_number(e.leakage), csv_number(r.cost.nominal_energy.total()),
        csv_number(1 - e.total() / r.cost.nominal_energy.total()), csv_number(r.cost.area.total()),
        std::to_string(a.n), csv_number(m ? a.mean : kNaN), csv_number(m && a.n > 1 ? a.low : kNaN),
        csv_number(m && a.n > 1 ? a.high : kNaN), csv_number(m ? r.accuracy.clean_accuracy : kNaN),
        r.on_front ? "1" : "0", r.accuracy_group};
    for (std::size_t i = 0; i < cells.size(); ++i) csv << (i ? "," : "") << cells[i];
    csv << '\n';
  }
  return csv.str();
}

std::string explore_summary(const std::vector<ExploreRow>& rows, double tolerance, const std::string& title) {
  std::ostringstream md;
  char line[512];
  md << "# " << title << "\n\n";
  std::snprintf(line, sizeof line,
                "The lowest weight-SRAM voltage of each design whose accuracy stays within %.1f points of its "
                "fault-free accuracy at the lower bound of its confidence interval (at that voltage and every higher "
                "one explored), and the energy per image it saves against the same design at nominal voltage.\n\n",
                100 * tolerance);
  md << line;
  md << "| design | fault-free % | lowest voltage | accuracy % [CI] | maps | energy nJ/image | nominal nJ/image | saving % |\n"
        "|---|---|---|---|---|---|---|---|\n";
  for (const auto& design : designs(rows)) {
    const ExploreRow* lowest = nullptr;
    for (const ExploreRow* row : design) {
      const MeanInterval& a = row->accuracy.accuracy;
      if (a.n < 2 || row->accuracy.clean_accuracy - a.low > tolerance) break;
      lowest = row;
    }
    const ExploreRow& first = *design.front();
    char fault_free[16] = "-";
    if (measured(first)) std::snprintf(fault_free, sizeof fault_free, "%.2f", 100 * first.accuracy.clean_accuracy);
    if (!lowest) {
      std::snprintf(line, sizeof line, "| %s | %s | none of %.2f..%.2f V | - | - | - | %.1f | - |\n",
                    design_name(first).c_str(), fault_free, design.back()->point.volts, first.point.volts,
                    first.cost.nominal_energy.total() / 1000);
    } else {
      const MeanInterval& a = lowest->accuracy.accuracy;
      std::snprintf(line, sizeof line, "| %s | %s | %.2f V | %.2f [%.2f, %.2f] | %zu | %.1f | %.1f | %.1f |\n",
                    design_name(first).c_str(), fault_free, lowest->point.volts, 100 * a.mean, 100 * a.low,
                    100 * a.high, a.n, lowest->cost.energy.total() / 1000, lowest->cost.nominal_energy.total() / 1000,
                    100 * (1 - lowest->cost.energy.total() / lowest->cost.nominal_energy.total()));
    }
    md << line;
  }
  return md.str();
}

std::string plot_pareto(const std::string& dir, const std::vector<ExploreRow>& rows, const std::string& title) {
  // One data block per (protection, ECC), then the front sorted by energy.
  std::vector<std::string> protections, eccs;
  const auto index_of = [](std::vector<std::string>& names, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
    names.push_back(name);
    return names.size() - 1;
  };
  std::map<std::pair<std::size_t, std::size_t>, std::vector<const ExploreRow*>> series;
  std::vector<const ExploreRow*> front;
  for (const ExploreRow& row : rows) {
    if (!measured(row)) continue;
    const std::size_t p = index_of(protections, row.accuracy.method);
    const std::size_t e = index_of(eccs, ecc_scheme_name(row.point.ecc));
    series[{p, e}].push_back(&row);
    if (row.on_front) front.push_back(&row);
  }
  std::sort(front.begin(), front.end(),
            [](const ExploreRow* a, const ExploreRow* b) { return a->cost.energy.total() < b->cost.energy.total(); });
  std::ostringstream dat, gp;
  const auto block = [&](const std::vector<const ExploreRow*>& points) {
    for (const ExploreRow* r : points)
      dat << csv_number(r->cost.energy.total() / 1e6) << ' ' << csv_number(100 * r->accuracy.accuracy.mean) << '\n';
    dat << "\n\n";
  };
  gp << "set terminal pngcairo size 900,600\nset output 'pareto.png'\nset title " << gnuplot_string(title)
     << "\nset xlabel 'energy per image (uJ, log scale)'\nset logscale x\nset ylabel 'accuracy (%)'\nset key outside right\nset grid\nplot ";
  std::size_t index = 0;
  for (const auto& [key, points] : series) {
    block(points);
    gp << (index ? ", " : "") << "'pareto.dat' index " << index << " using 1:2 with points lc " << key.first + 1
       << " pt " << 2 * key.second + 5 << " ps 1.5 title "
       << gnuplot_string(protections[key.first] + ", ECC " + eccs[key.second]);
    ++index;
  }
  block(front);
  gp << (index ? ", " : "") << "'pareto.dat' index " << index << " using 1:2 with lines lc 'black' dt 2 title 'Pareto front'\n";
  write_file_atomically(dir + "/pareto.dat", dat.str());
  write_file_atomically(dir + "/pareto.gp", gp.str());
  run_gnuplot(dir, "pareto.gp");
  return dir + "/pareto.png";
}

}  // namespace proact
