#include "sw/campaign/runner.hpp"

#include <boost/version.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <omp.h>
#include <set>
#include <sstream>
#include <systemc>

#include "models/io/directory_lock.hpp"
#include "models/io/output_file.hpp"
#include "sw/campaign/cache_budget.hpp"
#include "sw/campaign/map_runner.hpp"
#include "sw/campaign/plot.hpp"
#include "sw/faults/protected_network.hpp"
#include "sw/data/dataset.hpp"
#include "sw/model/load_model.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

namespace fs = std::filesystem;

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// A protected network and the runner that faults it: one per thread running maps.
struct Worker {
  std::unique_ptr<ProtectedNetwork> network;
  std::unique_ptr<MapRunner> runner;
};

// One protection under test: its deployed network and engine runner (workers[0]; the functional
// engine adds a copy per further thread, sharing the clean run), and its fault-free run.
struct Method {
  std::vector<Worker> workers;
  std::unique_ptr<Program> program;  // functional engine, families that need the fold mapping
  std::vector<int> clean_predictions;
  double clean_accuracy = 0;
  const ProtectedNetwork& network() const { return *workers.front().network; }
  const MapRunner& runner() const { return *workers.front().runner; }
};

class Campaign {
 public:
  Campaign(const CampaignOptions& options, const ProcessGroup& group)
      : o_(options), group_(group), families_(options.fault_model), needs_(families_.needs()) {}

  CampaignReport run();

 private:
  void check_options() const;
  void load();
  nlohmann::json identity() const;
  void prepare_directory();
  void write_campaign_json(const std::string& status, double wall_seconds, std::size_t maps_run);
  // Thread-safe across distinct workers: each runs on its own copy of the method's network.
  MapRecord evaluate(std::size_t rate, std::size_t map, std::size_t method, std::size_t worker);
  bool point_met(std::size_t rate, std::size_t method) const;
  std::vector<PointSummary> summaries() const;
  void add(const MapRecord& record);
  bool done(std::size_t rate, std::size_t method, std::size_t map) const;

  const CampaignOptions& o_;
  const ProcessGroup& group_;
  const FaultFamilies families_;
  const FaultNeeds needs_;
  std::string started_ = utc_now();
  Dataset test_;
  std::unique_ptr<SystemcEngine> engine_;
  std::vector<Method> methods_;
  std::size_t threads_ = 1;  // maps run in parallel per process (functional engine: the OpenMP threads)
  std::size_t cache_bytes_ = 0;  // functional engine: clean activations kept per protection, at most
  MapLog log_{""};
  DirectoryLock lock_;  // rank 0: held while the campaign runs
  nlohmann::json previous_;  // campaign.json of the campaign being resumed (or null)
  // Records by point (rate index, method index), then map index.
  std::map<std::pair<std::size_t, std::size_t>, std::map<std::size_t, MapRecord>> records_;
};

void Campaign::check_options() const {
  if (o_.rates.empty()) throw std::invalid_argument("--rates lists no rate");
  if (o_.summary.maps == 0) throw std::invalid_argument("--maps must be at least 1");
  if (o_.out.empty()) throw std::invalid_argument("--out DIR is required");
  if (o_.thresholds.empty()) throw std::invalid_argument("--thresholds lists no protection (use none for plain ReLU)");
  o_.fault_model.validate();
  for (double rate : o_.rates) o_.fault_model.ber(rate);
  if (needs_.q15_16_storage && o_.accelerator.weight_format != Format::q15_16) {
    throw std::invalid_argument("--fault-model proact-paper stores weights as Q15.16 (docs/design.md section 4), "
                                "but the config stores " + format_name(o_.accelerator.weight_format) +
                                "; use --format q15.16");
  }
  if (!needs_.sram_cells && o_.accelerator.weight_sram_ecc != EccScheme::none) {
    throw std::invalid_argument("--ecc protects weight-SRAM cells; fault model " + o_.fault_model.name() +
                                " does not fault them");
  }
  if (needs_.systemc_engine && o_.engine != Engine::systemc)
    throw std::invalid_argument("--fault-model " + o_.fault_model.name() + " flips bits per SRAM read: it needs --engine systemc");
}

void Campaign::load() {
  Checkpoint checkpoint = load_model(o_.model);
  test_ = load_split(o_.data, Split::test);
  check_data_fits(o_.data, test_, checkpoint.network, o_.model);
  if (o_.accelerator.weight_format == Format::int8) add_missing_activation_ranges(checkpoint, o_.data);
  if (o_.limit) test_ = head(test_, o_.limit);
  const AcceleratorConfig& config = o_.accelerator;
  if (o_.engine == Engine::systemc) engine_ = std::make_unique<SystemcEngine>(config, "", "campaign_accelerator");
  std::set<std::string> names;
  threads_ = o_.engine == Engine::functional ? static_cast<std::size_t>(std::max(1, omp_get_max_threads())) : 1;
  cache_bytes_ = o_.cache_mb ? o_.cache_mb << 20
                             : automatic_cache_bytes(available_memory_bytes(), group_.local_size(), o_.thresholds.size());
  for (const std::string& spec : o_.thresholds) {
    Method m;
    auto network = std::make_unique<ProtectedNetwork>(checkpoint, load_protection(spec), config,
                                                      needs_.q15_16_storage);
    const std::string& name = network->protection().method;
    if (!names.insert(name).second) {
      throw std::invalid_argument("two --thresholds give the method '" + name +
                                  "'; every protection of a campaign needs its own name: give one as NAME=FILE");
    }
    std::unique_ptr<MapRunner> runner;
    if (o_.engine == Engine::systemc) {
      runner = std::make_unique<SystemcRunner>(*engine_, *network, config, o_.batch, test_.images);
    } else {
      if (needs_.fold_mapping)
        m.program = std::make_unique<Program>(compile_program(network->deployment(), config, o_.batch));
      runner = std::make_unique<FunctionalRunner>(*network, config, m.program.get(), test_.images,
                                                  o_.incremental, cache_bytes_);
    }
    m.workers.push_back({std::move(network), std::move(runner)});
    for (std::size_t t = 1; t < threads_; ++t) {
      auto copy = std::make_unique<ProtectedNetwork>(m.network());
      auto shared = std::make_unique<FunctionalRunner>(*copy, dynamic_cast<const FunctionalRunner&>(m.runner()));
      m.workers.push_back({std::move(copy), std::move(shared)});
    }
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test_.size(); ++i) {
      m.clean_predictions.push_back(predicted_class(m.runner().clean_logits(), static_cast<int>(i)));
      correct += m.clean_predictions.back() == test_.labels[i];
    }
    m.clean_accuracy = static_cast<double>(correct) / static_cast<double>(test_.size());
    methods_.push_back(std::move(m));
  }
}

nlohmann::json Campaign::identity() const {
  nlohmann::json protections = nlohmann::json::array();
  for (const Method& m : methods_)
    protections.push_back({{"method", m.network().protection().method}, {"source", m.network().protection().source}});
  return {{"model", o_.model},
          {"data", o_.data.to_json()},
          {"images", test_.size()},
          {"fault_model", o_.fault_model.to_json()},
          {"ecc", ecc_scheme_name(o_.accelerator.weight_sram_ecc)},
          {"seed", o_.seed},
          {"engine", engine_name(o_.engine)},
          {"batch", o_.batch},
          {"accelerator", config_to_json(o_.accelerator)},
          {"protections", protections}};
}

void Campaign::prepare_directory() {
  const fs::path dir(o_.out);
  log_ = MapLog((dir / "maps.jsonl").string());
  together(group_, [&] {
    if (group_.rank() != 0) return;
    lock_ = DirectoryLock(o_.out);
    const fs::path json = dir / "campaign.json";
    if (fs::exists(json)) {
      if (!o_.resume) {
        throw std::invalid_argument("'" + o_.out + "' already holds a campaign (campaign.json); pass --resume to "
                                    "continue it or choose another --out");
      }
      std::ifstream in(json);
      previous_ = nlohmann::json::parse(in);
      const nlohmann::json now = identity();
      const nlohmann::json earlier = previous_.value("identity", nlohmann::json::object());
      for (const auto& item : now.items()) {
        // "data" was first recorded with --data; a campaign from before then read Fashion-MNIST.
        if (item.key() == "data" && !earlier.contains("data")) continue;
        nlohmann::json before = earlier.value(item.key(), nlohmann::json());
        // An accelerator recorded before a config key existed stands for that key's default.
        if (item.key() == "accelerator" && before.is_object()) before = config_to_json(config_from_json(before));
        if (before != item.value()) {
          throw std::invalid_argument("cannot resume '" + o_.out + "': it was run with " + item.key() + " = " +
                                      before.dump() + ", this command has " + item.value().dump() +
                                      " (resume with the same options, or use another --out)");
        }
      }
    } else if (fs::exists(dir / "maps.jsonl")) {
      throw std::invalid_argument("'" + o_.out + "' holds maps.jsonl without campaign.json; choose another --out");
    }
    fs::create_directories(dir);
    log_.repair();
  });
  // Everyone reads the same records before anyone appends.
  together(group_, [&] {
    for (const MapRecord& r : log_.read()) add(r);
  });
  together(group_, [&] {
    if (group_.rank() == 0) write_campaign_json("running", 0, 0);
  });
}

void Campaign::add(const MapRecord& record) {
  if (record.fault_model != o_.fault_model.name()) return;
  for (std::size_t r = 0; r < o_.rates.size(); ++r) {
    if (o_.rates[r] != record.rate) continue;
    for (std::size_t m = 0; m < methods_.size(); ++m)
      if (methods_[m].network().protection().method == record.method) records_[{r, m}].emplace(record.map, record);
  }
}

bool Campaign::done(std::size_t rate, std::size_t method, std::size_t map) const {
  const auto it = records_.find({rate, method});
  return it != records_.end() && it->second.count(map);
}

bool Campaign::point_met(std::size_t rate, std::size_t method) const {
  if (o_.summary.until_ci <= 0) return false;
  const auto it = records_.find({rate, method});
  if (it == records_.end()) return false;
  std::vector<double> accuracies;
  for (const auto& [map, record] : it->second) {
    if (map != accuracies.size()) break;
    accuracies.push_back(record.accuracy());
  }
  return until_ci_met(accuracies, o_.summary.until_ci, o_.summary.confidence, o_.summary.min_maps);
}

MapRecord Campaign::evaluate(std::size_t rate, std::size_t map, std::size_t method, std::size_t worker) {
  const auto start = std::chrono::steady_clock::now();
  const Method& m = methods_[method];
  const Worker& w = m.workers.at(worker);
  MapRecord r;
  r.fault_model = o_.fault_model.name();
  r.rate = o_.rates[rate];
  r.method = w.network->protection().method;
  r.map = map;
  r.seed = map_seed(o_.seed, o_.fault_model, r.rate, map);
  const MapFaults faults = families_.draw(*w.network, o_.accelerator, r.rate, r.seed);
  const MapOutcome outcome = w.runner->run(faults);
  r.images = test_.size();
  for (std::size_t i = 0; i < test_.size(); ++i) {
    const int predicted = predicted_class(outcome.logits, static_cast<int>(i));
    r.correct += predicted == test_.labels[i];
    r.mismatches += predicted != m.clean_predictions[i];
  }
  r.faults = faults.count() + outcome.counts.read_flips;
  r.ecc = outcome.counts.ecc;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.rank = group_.rank();
  return r;
}

std::vector<PointSummary> Campaign::summaries() const {
  std::vector<PointSummary> points;
  for (std::size_t r = 0; r < o_.rates.size(); ++r) {
    for (std::size_t m = 0; m < methods_.size(); ++m) {
      const auto it = records_.find({r, m});
      if (it == records_.end()) continue;
      std::vector<MapRecord> maps;
      for (const auto& entry : it->second) maps.push_back(entry.second);
      maps = point_maps(std::move(maps), o_.summary);
      if (maps.empty()) continue;
      PointSummary s = summarize_point(maps, o_.summary);
      s.ber = o_.fault_model.ber(o_.rates[r]);
      s.clean_accuracy = methods_[m].clean_accuracy;
      points.push_back(std::move(s));
    }
  }
  return points;
}

void Campaign::write_campaign_json(const std::string& status, double wall_seconds, std::size_t maps_run) {
  nlohmann::json protections = nlohmann::json::array();
  for (const Method& m : methods_) {
    const Protection& p = m.network().protection();
    nlohmann::json entry = {{"method", p.method}, {"source", p.source}, {"clip_form", p.clip_form},
                            {"threshold_words", p.threshold_words}, {"clean_accuracy", m.clean_accuracy}};
    if (const auto* functional = dynamic_cast<const FunctionalRunner*>(&m.runner())) {
      const IncrementalForward& f = functional->forward();
      entry["kept_activations"] = {{"nodes", f.kept_nodes()}, {"of", m.workers.front().network->deployment().network().size()},
                                   {"mebibytes", static_cast<double>(f.kept_bytes()) / (1 << 20)},
                                   {"budget_mebibytes", cache_bytes_ >> 20}};
    }
    protections.push_back(entry);
  }
  nlohmann::json invocations = previous_.is_object() ? previous_.value("invocations", nlohmann::json::array())
                                                     : nlohmann::json::array();
  invocations.push_back({{"started", started_}, {"status", status}, {"processes", group_.size()},
                         {"maps_run", maps_run}, {"wall_seconds", wall_seconds}, {"resume", o_.resume}});
  double total_seconds = 0;
  for (const nlohmann::json& i : invocations) total_seconds += i.value("wall_seconds", 0.0);
  const nlohmann::json campaign = {
      {"version", 1},
      {"status", status},
      {"identity", identity()},
      {"rates", o_.rates},
      {"maps", o_.summary.maps},
      {"confidence", o_.summary.confidence},
      {"until_ci", o_.summary.until_ci},
      {"min_maps", o_.summary.min_maps},
      {"seeds", {{"campaign", o_.seed},
                 {"map_seed", "Rng::derive chain over (campaign seed, fault model name, rate bits for transient only, "
                              "map index); streams per fault site derived from it (protected_network.cpp)"}}},
      {"protections", protections},
      {"images", {{"source", test_.name}, {"count", test_.size()}}},
      {"functional_path", o_.engine == Engine::systemc ? "none (systemc engine)"
                          : o_.incremental ? "incremental (clean activations reused, sparse first layer)"
                                           : "naive"},
      {"versions", {{"proact", PROACT_VERSION}, {"systemc", sc_core::sc_release()}, {"boost", BOOST_LIB_VERSION},
                    {"mpi", group_.library_version()}, {"compiler", __VERSION__}}},
      {"invocations", invocations},
      {"wall_seconds", total_seconds}};
  write_file_atomically((fs::path(o_.out) / "campaign.json").string(), campaign.dump(2) + "\n");
}

CampaignReport Campaign::run() {
  const auto start = std::chrono::steady_clock::now();
  together(group_, [&] {
    check_options();
    prepare_output_directory(o_.out);
    load();
  });
  prepare_directory();

  std::size_t pending_units = 0;
  for (std::size_t r = 0; r < o_.rates.size(); ++r)
    for (std::size_t m = 0; m < methods_.size(); ++m)
      for (std::size_t map = 0; map < o_.summary.maps; ++map) pending_units += !done(r, m, map);
  ProgressLine progress(std::cerr, "campaign " + o_.model + " " + o_.fault_model.name() + " (" + engine_name(o_.engine) + ")",
                        pending_units, o_.show_progress && group_.rank() == 0);
  const std::string csv_path = (fs::path(o_.out) / "results.csv").string();
  const auto maps_start = std::chrono::steady_clock::now();
  std::size_t maps_run = 0;
  bool stopped = false;
  for (std::size_t r = 0; r < o_.rates.size() && !stopped; ++r) {
    std::size_t next_map = 0;
    while (!stopped) {
      // The next wave: one pending map per thread of each process (process p takes entries
      // [p * threads, (p + 1) * threads)), each with its pending protections.
      std::vector<std::pair<std::size_t, std::vector<std::size_t>>> wave;
      const std::size_t width = static_cast<std::size_t>(group_.size()) * threads_;
      while (wave.size() < width && next_map < o_.summary.maps) {
        std::vector<std::size_t> pending;
        for (std::size_t m = 0; m < methods_.size(); ++m)
          if (!done(r, m, next_map) && !point_met(r, m)) pending.push_back(m);
        if (!pending.empty()) wave.push_back({next_map, pending});
        ++next_map;
      }
      if (wave.empty()) break;
      std::string mine;
      together(group_, [&] {
        const std::size_t first = static_cast<std::size_t>(group_.rank()) * threads_;
        const std::size_t count = wave.size() > first ? std::min(threads_, wave.size() - first) : 0;
        std::vector<std::vector<MapRecord>> records(count);
        std::vector<std::exception_ptr> errors(count);
        // One map per thread, each on its own worker; the kernels inside run on that thread alone.
#pragma omp parallel for num_threads(static_cast<int>(std::max<std::size_t>(count, 1))) schedule(static, 1)
        for (std::size_t t = 0; t < count; ++t) {
          try {
            for (std::size_t m : wave[first + t].second) records[t].push_back(evaluate(r, wave[first + t].first, m, t));
          } catch (...) {
            errors[t] = std::current_exception();
          }
        }
        for (const std::exception_ptr& error : errors)
          if (error) std::rethrow_exception(error);
        for (const std::vector<MapRecord>& map_records : records) {
          for (const MapRecord& record : map_records) {
            log_.append(record);
            mine += map_record_to_json(record).dump() + "\n";
          }
        }
      });
      for (const std::string& part : group_.all_gather(mine)) {
        std::istringstream lines(part);
        for (std::string line; std::getline(lines, line);) {
          add(map_record_from_json(nlohmann::json::parse(line)));
          ++maps_run;
        }
      }
      if (group_.rank() == 0) {
        write_file_atomically(csv_path, results_csv(summaries()));
        char detail[96];
        std::snprintf(detail, sizeof detail, "rate %g, map %zu of %zu", o_.rates[r], wave.back().first + 1,
                      o_.summary.maps);
        progress.update(std::min(maps_run, pending_units), detail);
      }
      stopped = o_.stop_after > 0 && maps_run >= o_.stop_after;
    }
  }
  progress.finish(std::to_string(maps_run) + " map runs");

  CampaignReport report;
  report.map_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - maps_start).count();
  report.points = summaries();
  report.maps_run = maps_run;
  report.finished = !stopped;
  report.results_csv = csv_path;
  report.campaign_json = (fs::path(o_.out) / "campaign.json").string();
  together(group_, [&] {
    if (group_.rank() != 0) return;
    write_file_atomically(csv_path, results_csv(report.points));
    const PlotSpec spec{o_.model + ": " + o_.fault_model.name() + " faults, " + std::to_string(o_.summary.maps) +
                            " maps per point (" + engine_name(o_.engine) + " engine)",
                        o_.fault_model.rate_label(), o_.fault_model.kind != FaultModelKind::voltage,
                        o_.summary.confidence};
    try {
      report.plot = plot_accuracy_vs_rate(o_.out, report.points, spec);
    } catch (const std::runtime_error& e) {
      std::cerr << "proact: warning: " << e.what() << '\n';
    }
  });
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  together(group_, [&] {
    if (group_.rank() == 0) write_campaign_json(stopped ? "stopped" : "finished", report.wall_seconds, maps_run);
  });
  if (group_.rank() == 0) {
    std::ifstream in(report.campaign_json);
    report.campaign = nlohmann::json::parse(in);
  }
  return report;
}

}  // namespace

CampaignReport run_campaign(const CampaignOptions& options, const ProcessGroup& group) {
  return Campaign(options, group).run();
}

}  // namespace proact
