// Campaign statistics against values computed by hand: Student-t intervals, Wilson intervals,
// Leveugle et al.'s sample size, the --until-ci stopping rule and paired comparisons of methods.
#include <catch2/catch.hpp>

#include <cmath>

#include "sw/campaign/paired.hpp"
#include "sw/campaign/statistics.hpp"

using namespace proact;
using Catch::Matchers::Contains;

TEST_CASE("campaign statistics: mean and sample deviation and Student-t interval by hand", "[campaign][statistics]") {
  // mean 0.875; sd = sqrt(0.0125 / 3); t(0.975, 3) = 3.182446305284263.
  const MeanInterval r = mean_interval({0.8, 0.9, 0.85, 0.95});
  CHECK(r.n == 4);
  CHECK(r.mean == Approx(0.875).epsilon(1e-12));
  CHECK(r.sd == Approx(std::sqrt(0.0125 / 3)).epsilon(1e-12));
  CHECK(r.half_width() == Approx(0.10271301283804395).epsilon(1e-9));
  CHECK(r.low == Approx(0.875 - 0.10271301283804395).epsilon(1e-9));
  const MeanInterval one = mean_interval({0.5});
  CHECK(one.sd == 0.0);
  CHECK(std::isnan(one.low));
  const MeanInterval same = mean_interval({0.7, 0.7, 0.7});
  CHECK(same.half_width() == Approx(0.0).margin(1e-12));
  CHECK_THROWS_WITH(mean_interval({}), Contains("at least one"));
  CHECK_THROWS_WITH(mean_interval({1.0}, 1.5), Contains("confidence"));
}

TEST_CASE("campaign statistics: Wilson score intervals by hand", "[campaign][statistics]") {
  const Proportion p = wilson_interval(3, 10);
  CHECK(p.rate == 0.3);
  CHECK(p.low == Approx(0.10779126740630099).epsilon(1e-9));
  CHECK(p.high == Approx(0.6032218525388546).epsilon(1e-9));
  const Proportion zero = wilson_interval(0, 20);
  CHECK(zero.low == 0.0);
  CHECK(zero.high == Approx(0.16112515805281938).epsilon(1e-9));
  const Proportion all = wilson_interval(20, 20);
  CHECK(all.high == 1.0);
  CHECK(all.low == Approx(1.0 - 0.16112515805281938).epsilon(1e-9));
  CHECK_THROWS_WITH(wilson_interval(3, 2), Contains("more successes"));
}

TEST_CASE("campaign statistics: Leveugle sample sizes by hand", "[campaign][statistics]") {
  // t = 1.959964 (95 %), p = 0.5: n = t^2 / (4 e^2) for an infinite population.
  CHECK(leveugle_sample_size(0.01, 0.95) == 9604);                 // 9603.65
  CHECK(leveugle_sample_size(0.01, 0.95, 1e6) == 9513);            // 9512.30
  CHECK(leveugle_sample_size(0.05, 0.95, 1000) == 278);            // 277.73
  CHECK(leveugle_sample_size(0.01, 0.99) == 16588);                // 16587.24
  CHECK(leveugle_sample_size(0.05, 0.95, 1e300) == 385);
  CHECK(leveugle_sample_size(0.05, 0.95, 10) <= 10);
  CHECK_THROWS_WITH(leveugle_sample_size(0.0, 0.95), Contains("margin"));
}

TEST_CASE("campaign statistics: until-ci keeps the shortest prefix whose interval is narrow enough", "[campaign][statistics]") {
  std::vector<double> values = {0.5, 0.9, 0.7, 0.71, 0.69};
  values.resize(30, 0.7);
  const std::size_t n = until_ci_maps(values, 0.05, 0.95, 3);
  CHECK(n > 3);
  CHECK(n < values.size());
  CHECK(mean_interval({values.begin(), values.begin() + static_cast<long>(n)}).half_width() < 0.05);
  CHECK(mean_interval({values.begin(), values.begin() + static_cast<long>(n) - 1}).half_width() >= 0.05);
  CHECK(until_ci_met(values, 0.05, 0.95, 3));
  CHECK_FALSE(until_ci_met({0.5, 0.9}, 0.05, 0.95, 3));
  CHECK(until_ci_maps({0.5, 0.9}, 0.05, 0.95, 3) == 2);  // not met: all maps
}

TEST_CASE("campaign statistics: paired comparisons take the differences of the same maps", "[campaign][statistics]") {
  const auto record = [](const std::string& method, double rate, std::size_t map, std::size_t correct) {
    MapRecord r;
    r.fault_model = "proact-paper";
    r.method = method;
    r.rate = rate;
    r.map = map;
    r.images = 100;
    r.correct = correct;
    return r;
  };
  // At 1e-5, B - A per map: +0.10, +0.05, 0, -0.03; map 4 ran for A only and is left out. At 1e-4
  // one shared map.
  const std::vector<MapRecord> records = {
      record("a", 1e-5, 0, 50), record("b", 1e-5, 0, 60), record("a", 1e-5, 1, 70), record("b", 1e-5, 1, 75),
      record("a", 1e-5, 2, 80), record("b", 1e-5, 2, 80), record("b", 1e-5, 3, 87), record("a", 1e-5, 3, 90),
      record("a", 1e-5, 4, 10), record("a", 1e-4, 0, 20), record("b", 1e-4, 0, 30), record("c", 1e-4, 0, 99)};
  const std::vector<PairedPoint> points = paired_comparison(records, "a", "b", 0.95);
  REQUIRE(points.size() == 2);
  CHECK(points[0].rate == 1e-5);
  const MeanInterval expected = mean_interval({0.10, 0.05, 0.0, -0.03});
  CHECK(points[0].difference.n == 4);
  CHECK(points[0].difference.mean == Approx(expected.mean).epsilon(1e-12));
  CHECK(points[0].difference.low == Approx(expected.low).epsilon(1e-9));
  CHECK(points[0].difference.high == Approx(expected.high).epsilon(1e-9));
  CHECK(points[0].ahead == 2);
  CHECK(points[0].level == 1);
  CHECK(points[0].behind == 1);
  CHECK(points[1].difference.n == 1);
  CHECK(points[1].difference.mean == Approx(0.10).epsilon(1e-12));
  // Swapping the methods negates every difference.
  CHECK(paired_comparison(records, "b", "a", 0.95)[0].difference.mean == Approx(-expected.mean).epsilon(1e-12));
  CHECK_THROWS_WITH(paired_comparison(records, "a", "proact", 0.95), Contains("'proact'"));
  CHECK_THROWS_WITH(paired_comparison({record("a", 1e-5, 0, 1), record("b", 1e-5, 1, 1)}, "a", "b", 0.95),
                    Contains("share no fault map"));
}
