// FT-ClipAct (baseline, docs/design.md 3.5): layer-wise thresholds found by search, layer by
// layer in execution order. Every layer starts at its profiled max (hard form); for each layer,
// each candidate fraction of its max is scored by the mean accuracy over fault maps at the given
// BERs (paper protocol, Q15.16 weights and biases; the same maps for every candidate), and the
// best candidate is kept (ties keep the larger threshold, candidates being tried largest first).
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>

#include "models/net/deployment.hpp"
#include "models/random.hpp"
#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/thresholds/method.hpp"
#include "sw/faults/paper_faults.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

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
  std::vector<double> fractions = o.fractions;
  std::sort(fractions.begin(), fractions.end(), std::greater<>());

  MethodResult result;
  const std::size_t evaluations = fractions.size() * o.bit_error_rates.size() * o.fault_maps;
  for (std::size_t l = 0; l < sites.size(); ++l) {
    Tensor& threshold = activation_at(net, sites[l]).parameter("thresholds").value;
    const float max = maxima[l].size() ? *std::max_element(maxima[l].values().begin(), maxima[l].values().end()) : 0.0f;
    const std::string& name = net.layer(sites[l]).name();
    char label[96];
    std::snprintf(label, sizeof label, "ftclipact %s (layer %zu/%zu, max %.4g)", name.c_str(), l + 1, sites.size(), max);
    ProgressLine progress(std::cerr, label, evaluations * search.size(), config.show_progress);
    std::size_t done = 0, best = 0;
    const std::size_t first = result.trials.size();
    for (std::size_t c = 0; c < fractions.size(); ++c) {
      threshold[0] = static_cast<float>(fractions[c] * max);
      double sum = 0.0;
      for (std::size_t r = 0; r < o.bit_error_rates.size(); ++r) {
        for (int m = 0; m < o.fault_maps; ++m) {
          injector.inject(o.bit_error_rates[r], Rng::derive(config.seed, r * o.fault_maps + m));
          sum += evaluate(net, search, AccumulationOrder::free_order()).accuracy();
          done += search.size();
          char detail[64];
          std::snprintf(detail, sizeof detail, "candidate %.2f x max", fractions[c]);
          progress.update(done, detail);
        }
      }
      const double score = sum / static_cast<double>(o.bit_error_rates.size() * o.fault_maps);
      result.trials.push_back({name, static_cast<int>(c + 1), fractions[c], 0.0, score, false, progress.elapsed_seconds(), 0, 0});
      if (score > result.trials[first + best].accuracy) best = c;
    }
    injector.restore();
    TrialRecord& chosen = result.trials[first + best];
    chosen.accepted = true;
    threshold[0] = static_cast<float>(chosen.setting * max);
    thresholds[l] = threshold;
    char detail[96];
    std::snprintf(detail, sizeof detail, "best %.2f x max = %.4g (accuracy under faults %.2f%%)", chosen.setting,
                  threshold[0], 100.0 * chosen.accuracy);
    progress.finish(detail);
  }
  result.thresholds = thresholds;
  return result;
}

}  // namespace proact
