#include "sw/util/progress.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>
#include <unistd.h>

namespace proact {

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, s % 3600 / 60);
  }
  return buffer;
}

ProgressLine::ProgressLine(std::ostream& out, std::string label, std::size_t total, bool enabled)
    : out_(out), label_(std::move(label)), total_(total), enabled_(enabled), interactive_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double ProgressLine::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::update(std::size_t done, const std::string& detail) {
  if (!enabled_ || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const int decile = static_cast<int>(done * 10 / total_);
  if (interactive_ ? now - last_draw_ < std::chrono::milliseconds(200) : decile == last_decile_) return;
  last_draw_ = now;
  last_decile_ = decile;
  draw(done, detail, false);
}

void ProgressLine::finish(const std::string& detail) {
  if (enabled_) draw(total_, detail, true);
}

void ProgressLine::draw(std::size_t done, const std::string& detail, bool final) {
  const double fraction = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const int width = 20, filled = static_cast<int>(fraction * width);
  std::ostringstream line;
  line << label_ << ' ' << std::setw(3) << static_cast<int>(fraction * 100) << "% [" << std::string(filled, '#')
       << std::string(width - filled, '.') << "] " << done << '/' << total_;
  if (!detail.empty()) line << "  " << detail;
  const double elapsed = elapsed_seconds();
  if (final) {
    line << "  in " << format_duration(elapsed);
  } else if (done > 0) {
    line << "  ETA " << format_duration(elapsed * (1.0 - fraction) / fraction);
  }
  if (interactive_) {
    out_ << '\r' << line.str() << "\033[K" << (final ? "\n" : "") << std::flush;
  } else {
    out_ << line.str() << '\n' << std::flush;
  }
}

}  // namespace proact
