#include "sw/campaign/statistics.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

namespace proact {

namespace {

void check_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument("confidence " + std::to_string(confidence) + " must lie in (0, 1)");
}

double normal_quantile(double confidence) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), (1.0 + confidence) / 2.0);
}

}  // namespace

MeanInterval mean_interval(const std::vector<double>& values, double confidence) {
  check_confidence(confidence);
  if (values.empty()) throw std::invalid_argument("a mean needs at least one value");
  MeanInterval r;
  r.n = values.size();
  double sum = 0;
  for (double v : values) sum += v;
  r.mean = sum / static_cast<double>(r.n);
  if (r.n < 2) {
    r.low = r.high = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  double squares = 0;
  for (double v : values) squares += (v - r.mean) * (v - r.mean);
  r.sd = std::sqrt(squares / static_cast<double>(r.n - 1));
  const double t = boost::math::quantile(boost::math::students_t_distribution<double>(static_cast<double>(r.n - 1)),
                                         (1.0 + confidence) / 2.0);
  const double half = t * r.sd / std::sqrt(static_cast<double>(r.n));
  r.low = r.mean - half;
  r.high = r.mean + half;
  return r;
}

Proportion wilson_interval(std::size_t successes, std::size_t trials, double confidence) {
  check_confidence(confidence);
  if (trials == 0) throw std::invalid_argument("a proportion needs at least one trial");
  if (successes > trials) throw std::invalid_argument("more successes than trials");
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n;
  const double z = normal_quantile(confidence), z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {successes, trials, p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::uint64_t leveugle_sample_size(double margin, double confidence, double population, double p) {
  check_confidence(confidence);
  if (!(margin > 0.0 && margin < 1.0)) throw std::invalid_argument("margin " + std::to_string(margin) + " must lie in (0, 1)");
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("expected proportion " + std::to_string(p) + " must lie in (0, 1)");
  if (!(population >= 1.0)) throw std::invalid_argument("population must be at least 1");
  const double t = normal_quantile(confidence);
  const double infinite = t * t * p * (1 - p) / (margin * margin);
  const double n = std::isinf(population) ? infinite : population / (1 + (population - 1) / infinite);
  return static_cast<std::uint64_t>(std::ceil(n - 1e-9));
}

std::size_t until_ci_maps(const std::vector<double>& values, double half_width, double confidence, std::size_t min_maps) {
  for (std::size_t n = std::max<std::size_t>(min_maps, 2); n <= values.size(); ++n) {
    const MeanInterval r = mean_interval(std::vector<double>(values.begin(), values.begin() + static_cast<long>(n)), confidence);
    if (r.half_width() < half_width) return n;
  }
  return values.size();
}

bool until_ci_met(const std::vector<double>& values, double half_width, double confidence, std::size_t min_maps) {
  const std::size_t n = until_ci_maps(values, half_width, confidence, min_maps);
  if (n < std::max<std::size_t>(min_maps, 2)) return false;
  return mean_interval(std::vector<double>(values.begin(), values.begin() + static_cast<long>(n)), confidence)
             .half_width() < half_width;
}

}  // namespace proact
