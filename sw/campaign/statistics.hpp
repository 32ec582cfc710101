#pragma once
// Campaign statistics (issue 5): mean accuracy with a Student-t confidence interval over fault
// maps, proportions (SDC rate) with a Wilson score interval, the sample size of Leveugle et al.,
// "Statistical fault injection: quantified error and confidence", DATE 2009, and the stopping
// rule of --until-ci. Quantiles come from Boost.Math.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace proact {

struct MeanInterval {
  std::size_t n = 0;
  double mean = 0, sd = 0;                   // sd: sample standard deviation (n - 1)
  double low = 0, high = 0;                  // mean -+ t_{(1+c)/2, n-1} sd / sqrt(n); NaN for n < 2
  double half_width() const { return (high - low) / 2; }
};
// Throws std::invalid_argument for no values or a confidence outside (0, 1).
MeanInterval mean_interval(const std::vector<double>& values, double confidence = 0.95);

struct Proportion {
  std::size_t successes = 0, trials = 0;
  double rate = 0, low = 0, high = 0;  // Wilson score interval at the confidence
};
// Throws std::invalid_argument for successes > trials, no trials, or a bad confidence.
Proportion wilson_interval(std::size_t successes, std::size_t trials, double confidence = 0.95);

// Leveugle et al. (DATE 2009), eq. for the number of faults to inject:
//   n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p)))
// with population N, margin e, t the standard normal quantile of (1 + confidence) / 2 and p the
// expected proportion (0.5 is the worst case); an infinite N gives t^2 p (1 - p) / e^2. Rounded
// up. Throws std::invalid_argument naming the bad argument.
std::uint64_t leveugle_sample_size(double margin, double confidence,
                                   double population = std::numeric_limits<double>::infinity(), double p = 0.5);

// --until-ci W: the number of maps to keep from `values` (in map order): the smallest prefix of at
// least max(min_maps, 2) maps whose interval half-width is below `half_width`, or all of them.
std::size_t until_ci_maps(const std::vector<double>& values, double half_width, double confidence,
                          std::size_t min_maps);
// Whether a prefix of `values` already meets the rule (more maps are not needed).
bool until_ci_met(const std::vector<double>& values, double half_width, double confidence, std::size_t min_maps);

}  // namespace proact
