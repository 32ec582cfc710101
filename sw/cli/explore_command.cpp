// proact explore: the co-design explorer (docs/codesign.md). Every design point (arrays x
// dataflows x formats x ECC x protections x weight-SRAM voltages, or --points FILE) gets its
// cycles, energy and area per image and its accuracy under the faults of its voltage; DIR gets
// points.csv, pareto.png and summary.md.
#include <omp.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/explore/explorer.hpp"

namespace proact {

namespace {

struct ExploreCli {
  ExploreOptions explore;
  DesignAxes axes;
  std::string points_file, engine = "functional", voltage_table;
  AcceleratorOptions accelerator;
  EnergyOptions energy;
  DataOptions data;
  int threads = 1;
  bool json = false;
};

void run_explore_command(ExploreCli& cli) {
  ExploreOptions& o = cli.explore;
  o.points = cli.points_file.empty() ? cross_product(cli.axes) : load_points(cli.points_file);
  o.base = cli.accelerator.config();
  o.energy_table = cli.energy.table();
  if (!cli.voltage_table.empty()) o.fault_model.voltages = load_voltage_table(cli.voltage_table);
  o.engine = parse_engine(cli.engine);
  o.data = cli.data.data_spec();
  o.show_progress = !cli.json;
  if (cli.threads > 0) omp_set_num_threads(cli.threads);
  const ProcessGroup group;
  const ExploreReport report = run_explore(o, group);
  if (group.rank() != 0) return;
  if (cli.json) {
    print_json({{"out", o.out}, {"points", report.points_csv}, {"summary", report.summary}, {"plot", report.plot},
                {"finished", report.finished}, {"maps_run", report.maps_run}, {"design_points", report.rows.size()},
                {"wall_seconds", report.wall_seconds}});
    return;
  }
  std::ifstream summary(report.summary);
  std::cout << summary.rdbuf();
  std::printf("\n%zu design points, %zu map runs in %.1f s%s; points %s, plot %s\n", report.rows.size(),
              report.maps_run, report.wall_seconds, report.finished ? "" : " [stopped early: resume with --resume]",
              report.points_csv.c_str(), report.plot.empty() ? "(gnuplot failed)" : report.plot.c_str());
}

}  // namespace

void add_explore_command(CLI::App& app) {
  auto cli = std::make_shared<ExploreCli>();
  ExploreOptions& o = cli->explore;
  CLI::App* c = app.add_subcommand(
      "explore", "Co-design: cycles, energy, area and accuracy under faults of every design point, with the Pareto front");
  c->add_option("--model", o.model, "Zoo name, checkpoint path or ONNX file (.onnx)")->capture_default_str();
  c->add_option("--arrays", cli->axes.arrays, "Array sizes RxC, comma-separated")->delimiter(',')->capture_default_str();
  c->add_option("--dataflows", cli->axes.dataflows, "Dataflows: ws, os, is")->delimiter(',')->capture_default_str();
  c->add_option("--formats", cli->axes.formats, "Weight formats: fp32, fp16, bf16, int8, q15.16")
      ->delimiter(',')
      ->capture_default_str();
  c->add_option("--ecc", cli->axes.ecc, "Weight SRAM ECC: none, parity, secded-39-32, secded-72-64")
      ->delimiter(',')
      ->capture_default_str();
  c->add_option("--voltages", cli->axes.voltages, "Weight SRAM supply voltages in V (their BER: the voltage table)")
      ->delimiter(',');
  c->add_option("--protections", cli->axes.protections,
                "none, threshold files or NAME=FILE (as campaign --thresholds), comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  c->add_option("--points", cli->points_file,
                "CSV of design points (header array,dataflow,format,ecc,volts,protection) instead of the cross product")
      ->excludes("--arrays", "--dataflows", "--formats", "--ecc", "--voltages", "--protections");
  c->add_option("--maps", o.summary.maps, "Fault maps per point (voltage x protection)")->capture_default_str();
  c->add_option("--until-ci", o.summary.until_ci,
                "Stop a point once its accuracy CI half-width is below W (a fraction); --maps is the cap");
  c->add_option("--min-maps", o.summary.min_maps, "--until-ci: at least this many maps per point")->capture_default_str();
  c->add_option("--confidence", o.summary.confidence, "Confidence level of the intervals")->capture_default_str();
  c->add_option("--tolerance", o.tolerance,
                "Accuracy loss the summary allows against fault-free, at the CI's lower bound (a fraction)")
      ->capture_default_str();
  c->add_option("--seed", o.seed, "Campaign seed (map i always gets the same faults)")->capture_default_str();
  c->add_option("--out", o.out, "Output directory (points.csv, pareto.png, summary.md, accuracy/)")->required();
  c->add_option("--engine", cli->engine, "functional (fast) or systemc (one hardware per run)")
      ->check(CLI::IsMember({"functional", "systemc"}))
      ->capture_default_str();
  c->add_flag("--resume", o.resume, "Continue the exploration in --out; maps already done are not recomputed");
  c->add_option("--limit", o.limit, "Use only the first N test images (0 = all)")->capture_default_str();
  c->add_option("--batch", o.batch, "Images per accelerator run (the cycles and energy are per image of such runs)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--voltage-table", cli->voltage_table, "A JSON table of supply voltage -> BER (default: built in)");
  c->add_option("--stop-after", o.stop_after, "Stop after N map runs, as an interrupted exploration would (for testing --resume)");
  c->add_option("--threads", cli->threads, "Threads per process (0 = OpenMP's default); mpirun adds processes")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cli->accelerator.add_to(*c, false);  // --formats is an axis
  cli->energy.add_table_to(*c);
  cli->data.add_to(*c);
  c->add_flag("--json", cli->json, "Print one JSON object on stdout");
  c->callback([c, cli] {
    if (cli->points_file.empty() && c->count("--voltages") == 0)
      throw std::invalid_argument("proact explore needs --voltages (or --points FILE)");
    run_explore_command(*cli);
  });
}

}  // namespace proact
