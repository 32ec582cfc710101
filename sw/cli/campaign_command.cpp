// proact campaign: accuracy under memory faults with and without protection, over many seeded
// fault maps, with confidence intervals (docs/faults.md). `proact campaign plan` gives the
// Leveugle et al. sample size for a margin and confidence; `proact campaign report DIR...` prints
// finished campaigns as tables.
#include <omp.h>

#include <cstdio>
#include <iostream>

#include "models/net/deployment.hpp"
#include "sw/campaign/paired.hpp"
#include "sw/campaign/report.hpp"
#include "sw/campaign/runner.hpp"
#include "sw/campaign/statistics.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"
#include "sw/data/dataset.hpp"
#include "sw/faults/fault_family.hpp"
#include "sw/model/load_model.hpp"
#include "sw/util/parse_number.hpp"

namespace proact {

namespace {

struct CampaignCli {
  CampaignOptions campaign;
  std::string fault_model, fault_kind, ecc, engine = "functional", voltage_table;
  std::vector<std::string> rates;
  FaultModel shape;  // --burst-length, --row-words, --threshold-faults
  AcceleratorOptions accelerator;
  DataOptions data;
  int threads = 1;
  bool json = false;
};

struct PlanCli {
  double margin = 0.01, confidence = 0.95, p = 0.5, population = 0;
  std::string model;
  AcceleratorOptions accelerator;
  bool json = false;
};

struct ReportCli {
  std::vector<std::string> dirs;
  bool markdown = false;
  std::vector<std::string> paired;  // A, B: B against A map by map
  std::string against;              // B against every other method
};

std::vector<double> parse_rates(const std::vector<std::string>& texts) {
  std::vector<double> rates;
  for (const std::string& text : texts) {
    const std::optional<double> rate = parse_double(text);
    if (!rate) throw std::invalid_argument("--rates: '" + text + "' is not a number");
    rates.push_back(*rate);
  }
  return rates;
}

void print_table(const CampaignCli& cli, const CampaignReport& report) {
  const CampaignOptions& o = cli.campaign;
  const EccScheme ecc = o.accelerator.weight_sram_ecc;
  std::printf("%s on %s (%s engine), %zu maps per point, seed %llu%s\n", o.fault_model.name().c_str(), o.model.c_str(),
              cli.engine.c_str(), o.summary.maps, static_cast<unsigned long long>(o.seed),
              report.finished ? "" : "  [stopped early: resume with --resume]");
  std::printf("protections:");
  for (const nlohmann::json& p : report.campaign.value("protections", nlohmann::json::array()))
    std::printf(" %s (%s)", p.at("method").get<std::string>().c_str(), p.at("clip_form").get<std::string>().c_str());
  std::printf("; confidence %g%%%s\n", 100 * o.summary.confidence, ecc == EccScheme::none ? "" : (", ECC " + ecc_scheme_name(ecc)).c_str());
  std::printf("%-12s %-14s %5s %10s %21s %8s %10s %10s\n", "rate", "method", "maps", "accuracy%", "CI (%)", "sdc",
              "clean%", "faults");
  for (const PointSummary& p : report.points) {
    char ci[32] = "-";
    if (p.accuracy.n > 1) std::snprintf(ci, sizeof ci, "[%.2f, %.2f]", 100 * p.accuracy.low, 100 * p.accuracy.high);
    std::printf("%-12g %-14s %5zu %10.2f %21s %8.3f %10.2f %10.1f\n", p.rate, p.method.c_str(), p.accuracy.n,
                100 * p.accuracy.mean, ci, p.sdc.rate, 100 * p.clean_accuracy, p.faults);
    if (ecc != EccScheme::none) {
      std::printf("%-12s %-14s ECC %s per run: %.1f corrected, %.1f detected, %.1f silent word reads\n", "", "",
                  ecc_scheme_name(ecc).c_str(), p.ecc_corrected, p.ecc_detected, p.ecc_silent);
    }
  }
  std::printf("\n%zu map runs in %.1f s; results %s, plot %s\n", report.maps_run, report.wall_seconds,
              report.results_csv.c_str(), report.plot.empty() ? "(gnuplot failed)" : report.plot.c_str());
}

void run_campaign_command(CampaignCli& cli) {
  CampaignOptions& o = cli.campaign;
  o.fault_model = FaultModel::named(cli.fault_model);
  o.fault_model.burst_length = cli.shape.burst_length;
  o.fault_model.row_words = cli.shape.row_words;
  o.fault_model.threshold_faults = cli.shape.threshold_faults;
  if (!cli.fault_kind.empty()) o.fault_model.cell_kind = parse_cell_kind(cli.fault_kind);
  if (!cli.voltage_table.empty()) o.fault_model.voltages = load_voltage_table(cli.voltage_table);
  o.engine = parse_engine(cli.engine);
  o.rates = parse_rates(cli.rates);
  o.accelerator = cli.accelerator.config();
  if (!cli.ecc.empty()) {
    o.accelerator.weight_sram_ecc = parse_ecc_scheme(cli.ecc);
    o.accelerator.validate();
  }
  o.data = cli.data.data_spec();
  if (FaultFamilies(o.fault_model).needs().q15_16_storage && cli.accelerator.format.empty()) {
    o.accelerator.weight_format = Format::q15_16;  // the paper's storage
    o.accelerator.validate();
  }
  o.show_progress = !cli.json;
  if (cli.threads > 0) omp_set_num_threads(cli.threads);
  const ProcessGroup group;
  const CampaignReport report = run_campaign(o, group);
  if (group.rank() != 0) return;
  if (!cli.json) {
    print_table(cli, report);
    return;
  }
  nlohmann::json points = nlohmann::json::array();
  for (const PointSummary& p : report.points) {
    points.push_back({{"fault_model", p.fault_model}, {"rate", p.rate}, {"ber", p.ber}, {"method", p.method},
                      {"maps", p.accuracy.n}, {"mean_accuracy", p.accuracy.mean}, {"std", p.accuracy.sd},
                      {"ci_low", p.accuracy.low}, {"ci_high", p.accuracy.high}, {"sdc_rate", p.sdc.rate},
                      {"sdc_low", p.sdc.low}, {"sdc_high", p.sdc.high}, {"clean_accuracy", p.clean_accuracy},
                      {"faults_mean", p.faults},
                      {"ecc", {{"corrected", p.ecc_corrected}, {"detected", p.ecc_detected}, {"silent", p.ecc_silent}}}});
  }
  print_json({{"out", o.out}, {"results", report.results_csv}, {"campaign", report.campaign_json},
              {"plot", report.plot}, {"finished", report.finished}, {"maps_run", report.maps_run},
              {"processes", group.size()}, {"wall_seconds", report.wall_seconds},
              {"map_seconds", report.map_seconds}, {"points", points}});
}

void run_plan(const PlanCli& cli) {
  double population = cli.population > 0 ? cli.population : std::numeric_limits<double>::infinity();
  std::string what = cli.population > 0 ? "a population of " + std::to_string(static_cast<long long>(cli.population))
                                        : "an unbounded population (fault maps)";
  if (!cli.model.empty()) {
    if (cli.population > 0) throw std::invalid_argument("give --population or --model, not both");
    const AcceleratorConfig config = cli.accelerator.config();
    const Checkpoint checkpoint = load_model(cli.model);
    // How many bits are stored does not depend on int8's activation ranges: a model without them
    // (imported) is counted with unit ranges.
    nlohmann::json ranges = checkpoint.metadata.value("activation_ranges", nlohmann::json::object());
    for (std::size_t i = 0; i < checkpoint.network.size(); ++i)
      if (!ranges.contains(checkpoint.network.layer(i).name())) ranges[checkpoint.network.layer(i).name()] = 1.0;
    const Deployment deployment(checkpoint.network, config.weight_format, ranges);
    population = static_cast<double>(deployment.stored_bits());
    what = "the " + std::to_string(deployment.stored_bits()) + " stored weight and bias bits of " + cli.model + " (" +
           format_name(config.weight_format) + "), single-bit faults";
  }
  const std::uint64_t n = leveugle_sample_size(cli.margin, cli.confidence, population, cli.p);
  if (cli.json) {
    print_json({{"sample_size", n}, {"margin", cli.margin}, {"confidence", cli.confidence}, {"p", cli.p},
                {"population", std::isinf(population) ? nlohmann::json("infinite") : nlohmann::json(population)},
                {"method", "Leveugle et al., DATE 2009"}});
    return;
  }
  std::printf("%llu fault injections for a margin of %g at %g%% confidence (p = %g, %s; Leveugle et al., DATE 2009)\n",
              static_cast<unsigned long long>(n), cli.margin, 100 * cli.confidence, cli.p, what.c_str());
}

}  // namespace

void add_campaign_command(CLI::App& app) {
  auto cli = std::make_shared<CampaignCli>();
  CampaignOptions& o = cli->campaign;
  CLI::App* c = app.add_subcommand("campaign", "Fault campaign: accuracy under memory faults with confidence intervals");
  c->add_option("--model", o.model, "Zoo name, checkpoint path or ONNX file (.onnx)")->capture_default_str();
  c->add_option("--thresholds", o.thresholds, "Protection: none (plain ReLU), a threshold file, or NAME=FILE to name it in reports (two files of one "
                 "method); repeat for several")
      ->capture_default_str();
  std::string models;
  for (const std::string& n : fault_model_names()) models += (models.empty() ? "" : ", ") + n;
  c->add_option("--fault-model", cli->fault_model, "Fault model: " + models);
  c->add_option("--rates", cli->rates, "Comma-separated rates (bit error rates; voltage: supply voltages in V)")
      ->delimiter(',');
  c->add_option("--maps", o.summary.maps, "Fault maps per point (rate x protection)")->capture_default_str();
  c->add_option("--seed", o.seed, "Campaign seed (map i of a rate always gets the same faults)")->capture_default_str();
  c->add_option("--out", o.out, "Output directory (maps.jsonl, results.csv, campaign.json, accuracy_vs_rate.png)");
  c->add_option("--engine", cli->engine, "functional (fast) or systemc (the timed TLM model)")
      ->check(CLI::IsMember({"functional", "systemc"}))
      ->capture_default_str();
  c->add_flag("--resume", o.resume, "Continue the campaign in --out; maps already done are not recomputed");
  c->add_option("--limit", o.limit, "Use only the first N test images (0 = all)")->capture_default_str();
  c->add_option("--batch", o.batch, "Images per accelerator run")->check(CLI::Range(1, 4096))->capture_default_str();
  cli->accelerator.add_to(*c);
  c->add_option("--ecc", cli->ecc, "Weight SRAM ECC: none, parity, secded-39-32, secded-72-64; default: the config's (weight_sram_ecc)");
  c->add_option("--fault-kind", cli->fault_kind,
                "Faulty cells: flip, stuck-at (mixed), stuck-at-0, stuck-at-1 (default: the model's)");
  c->add_option("--burst-length", cli->shape.burst_length, "burst: adjacent cells per upset")->capture_default_str();
  c->add_option("--row-words", cli->shape.row_words, "column/row: memory words per physical SRAM row")
      ->capture_default_str();
  c->add_option("--voltage-table", cli->voltage_table, "voltage: a JSON table of supply voltage -> BER (default: built in)");
  c->add_flag("--threshold-faults", cli->shape.threshold_faults,
              "Physical models: fault the threshold registers and table too");
  c->add_option("--until-ci", o.summary.until_ci,
                "Stop a point once its accuracy CI half-width is below W (a fraction, e.g. 0.005); --maps is the cap");
  c->add_option("--min-maps", o.summary.min_maps, "--until-ci: at least this many maps per point")->capture_default_str();
  c->add_option("--confidence", o.summary.confidence, "Confidence level of the intervals")->capture_default_str();
  c->add_option("--stop-after", o.stop_after, "Stop after N map runs, as an interrupted campaign would (for testing --resume)");
  c->add_option("--threads", cli->threads,
                "Threads per process (0 = OpenMP's default): the functional engine runs one map per thread, "
                "the systemc engine's layer kernels use them; mpirun adds processes")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  c->add_option("--cache-mb", o.cache_mb,
                "Functional engine: MiB of clean activations kept per protection (the earliest layers are dropped "
                "first); default: half the memory available at the start, shared by the campaign's processes on "
                "this machine and its protections");
  c->add_flag("!--naive", o.incremental, "Functional engine: recompute every layer of every map (no activation reuse)");
  cli->data.add_to(*c);
  c->add_flag("--json", cli->json, "Print one JSON object on stdout");

  auto plan = std::make_shared<PlanCli>();
  CLI::App* p = c->add_subcommand("plan", "Fault maps needed for a margin and confidence (Leveugle et al., DATE 2009)");
  p->add_option("--margin", plan->margin, "Error margin e, a fraction")->capture_default_str();
  p->add_option("--confidence", plan->confidence, "Confidence level")->capture_default_str();
  p->add_option("--p", plan->p, "Expected proportion (0.5 is the worst case)")->capture_default_str();
  p->add_option("--population", plan->population, "Population size N (default: unbounded)");
  p->add_option("--model", plan->model, "Population = the stored weight and bias bits of this model");
  plan->accelerator.add_to(*p);
  p->add_flag("--json", plan->json, "Print one JSON object on stdout");
  p->callback([plan] { run_plan(*plan); });

  auto report = std::make_shared<ReportCli>();
  CLI::App* r = c->add_subcommand("report", "A campaign's results as a table: one row per rate, one column per method");
  r->add_option("dirs", report->dirs, "Campaign output directories")->required();
  r->add_flag("--markdown", report->markdown, "Markdown tables (for docs)");
  r->add_option("--paired", report->paired,
                "A,B: method B against method A map by map (the same fault maps): per rate the mean difference, "
                "its paired interval and the share of maps where B is ahead")
      ->delimiter(',')
      ->expected(2);
  r->add_option("--against", report->against,
                "B: method B against every other method map by map, one table (mean difference, paired interval "
                "and whether B is ahead, level or behind)")
      ->excludes("--paired");
  r->callback([report] {
    const ReportStyle style = report->markdown ? ReportStyle::markdown : ReportStyle::text;
    for (std::size_t i = 0; i < report->dirs.size(); ++i) {
      const std::string table =
          !report->against.empty() ? paired_summary(report->dirs[i], report->against, style)
          : report->paired.empty() ? campaign_report(report->dirs[i], style)
                                   : paired_report(report->dirs[i], report->paired[0], report->paired[1], style);
      std::printf("%s%s", i ? "\n" : "", table.c_str());
    }
  });

  c->callback([c, p, r, cli] {
    if (p->parsed() || r->parsed()) return;
    for (const char* required : {"--fault-model", "--rates", "--out"})
      if (c->count(required) == 0) throw std::invalid_argument(std::string("proact campaign needs ") + required);
    run_campaign_command(*cli);
  });
}

}  // namespace proact
