#pragma once
// A progress line for long runs, on stderr: "label  45% [#########...........] 1234/2750  <detail>  ETA 1m23s".
// On a terminal it redraws in place a few times a second; otherwise it prints a line every 10 %
// so logs stay short.
#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace proact {

class ProgressLine {
 public:
  ProgressLine(std::ostream& out, std::string label, std::size_t total, bool enabled = true);
  // Reports `done` of `total` units; `detail` is free text (loss, accuracy, throughput).
  void update(std::size_t done, const std::string& detail = "");
  // Prints the final state and a newline.
  void finish(const std::string& detail = "");
  double elapsed_seconds() const;

 private:
  void draw(std::size_t done, const std::string& detail, bool final);

  std::ostream& out_;
  std::string label_;
  std::size_t total_;
  bool enabled_, interactive_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  int last_decile_ = -1;
};

std::string format_duration(double seconds);  // "45s", "3m07s", "1h02m"

}  // namespace proact
