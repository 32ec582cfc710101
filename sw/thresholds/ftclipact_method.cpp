// FT-ClipAct (baseline, docs/design.md 3.5): layer-wise thresholds (hard form, clip to zero) found
// by the reference code's interval search, layer by layer in execution order. Every layer starts at
// its profiled max. A layer's search starts on [0, max], max profiled again with the layers before it
// at their chosen thresholds; each round scores four evenly spaced candidates of the interval by the
// area under their accuracy-vs-BER curve (paper protocol on Q15.16 weights and biases, the same maps
// for every candidate, validation images) and narrows the interval to the best one's neighbours
// (or to the first or last third). The search ends after `rounds` rounds, or earlier once
// `min_rounds` ran and neighbouring candidates' areas differ by at most `auc_tolerance`. The layer
// keeps the best candidate of the whole search, the smallest on a tie (the reference keeps the
// last round's best, which can be worse than a candidate the narrowing left behind).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include "models/net/deployment.hpp"
#include "models/random.hpp"
#include "sw/faults/paper_faults.hpp"
#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/thresholds/method.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

namespace {

// The search's maps come from their own stream of the threshold seed, apart from any campaign's.
constexpr std::uint64_t kSearchMapStream = 0x66746370ULL;  // "ftcp"

// Area under accuracy (fraction) against the rates placed at 1/K, 2/K, ..., 1 (the reference's
// x = 0.2 .. 1 for its five rates): the trapezoid rule with spacing 1/K.
double area_under_curve(const std::vector<double>& accuracies) {
  if (accuracies.size() < 2) return accuracies.empty() ? 0.0 : accuracies[0];
  double area = 0.0;
  for (std::size_t i = 1; i < accuracies.size(); ++i) area += 0.5 * (accuracies[i - 1] + accuracies[i]);
  return area / static_cast<double>(accuracies.size());
}

}  // namespace

MethodResult ftclipact_thresholds(const Network& model, const std::vector<Tensor>& maxima, const ThresholdData& data,
                                  const ThresholdConfig& config) {
  config.validate();
  const FtClipActOptions& o = config.ftclipact;
  const Dataset search = head(data.validation, o.search_images);
  std::vector<Tensor> thresholds = initial_thresholds(maxima, Granularity::layer);
  Network clipped = model;
  set_thresholds(clipped, thresholds, ClipForm::hard, static_cast<float>(config.sharpness));
  Deployment deployment(clipped, Format::q15_16);
  PaperFaultInjector injector(deployment);
  Network& net = deployment.network();
  const std::vector<std::size_t> sites = clip_sites(net);
  const std::uint64_t map_stream = Rng::derive(config.seed, kSearchMapStream);
  const auto accuracy = [&] { return evaluate(net, search, AccumulationOrder::free_order()).accuracy(); };

  MethodResult result;
  const std::size_t most_scores = 4 + 2 * static_cast<std::size_t>(o.rounds - 1);
  const std::size_t runs_per_score = o.bit_error_rates.size() * static_cast<std::size_t>(o.fault_maps);
  for (std::size_t l = 0; l < sites.size(); ++l) {
    Tensor& threshold = activation_at(net, sites[l]).parameter("thresholds").value;
    const std::vector<Tensor> profiled = l == 0 ? maxima : profile_max_activations(net, data.calibration);
    const float max = profiled[l].size() ? *std::max_element(profiled[l].values().begin(), profiled[l].values().end()) : 0.0f;
    const std::string& name = net.layer(sites[l]).name();
    char label[96];
    std::snprintf(label, sizeof label, "ftclipact %s (layer %zu/%zu, max %.4g)", name.c_str(), l + 1, sites.size(), max);
    ProgressLine progress(std::cerr, label, most_scores * runs_per_score * search.size(), config.show_progress);
    std::size_t done = 0;
    std::map<float, std::size_t> scored;  // candidate -> its trial in result.trials
    const auto score = [&](float candidate) {
      if (const auto it = scored.find(candidate); it != scored.end()) return result.trials[it->second].accuracy;
      threshold[0] = candidate;  // the words are clean here: every score ends restoring them
      const double clean = accuracy();
      std::vector<double> per_rate;
      for (double ber : o.bit_error_rates) {
        double sum = 0.0;
        for (int m = 0; m < o.fault_maps; ++m) {
          // Map m is one nested map seen at every rate; a map without flips scores the clean accuracy.
          sum += injector.inject(ber, Rng::derive(map_stream, static_cast<std::uint64_t>(m))) ? accuracy() : clean;
          done += search.size();
          char detail[64];
          std::snprintf(detail, sizeof detail, "candidate %.4g (%zu scored)", candidate, scored.size());
          progress.update(done, detail);
        }
        per_rate.push_back(sum / o.fault_maps);
      }
      injector.restore();
      const double area = area_under_curve(per_rate);
      scored[candidate] = result.trials.size();
      result.trials.push_back({name, static_cast<int>(scored.size()), max > 0 ? candidate / max : 0.0, 0.0, area,
                               false, progress.elapsed_seconds(), 0, 0});
      return area;
    };

    float low = 0.0f, high = max;
    for (int round = 1; round <= o.rounds; ++round) {
      const float step = (high - low) / 3.0f;
      const std::array<float, 4> candidates = {low, low + step, low + 2.0f * step, high};
      std::array<double, 4> areas{};
      for (std::size_t i = 0; i < 4; ++i) areas[i] = score(candidates[i]);
      const auto best = static_cast<std::size_t>(std::max_element(areas.begin(), areas.end()) - areas.begin());
      low = candidates[best == 0 ? 0 : best == 3 ? 2 : best - 1];
      high = candidates[best == 0 ? 1 : best == 3 ? 3 : best + 1];
      double widest = 0.0;
      for (std::size_t i = 1; i < 4; ++i) widest = std::max(widest, std::abs(areas[i] - areas[i - 1]));
      if (round >= o.min_rounds && 100.0 * widest <= o.auc_tolerance) break;
    }
    // The best area of the search; std::map orders candidates, so a tie keeps the smallest.
    const auto chosen = std::max_element(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
                          return result.trials[a.second].accuracy < result.trials[b.second].accuracy;
                        })->first;
    threshold[0] = chosen;
    thresholds[l] = threshold;
    TrialRecord& kept = result.trials[scored.at(chosen)];
    kept.accepted = true;
    char detail[96];
    std::snprintf(detail, sizeof detail, "best %.4g = %.2f x max (area %.4f) after %zu candidates", chosen, kept.setting,
                  kept.accuracy, scored.size());
    progress.finish(detail);
  }
  result.thresholds = thresholds;
  return result;
}

}  // namespace proact
