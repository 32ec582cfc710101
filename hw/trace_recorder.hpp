#pragma once
// A timeline of the accelerator's activity in Chrome's trace-event format (JSON array of
// complete events, "ph": "X", times in microseconds), which Perfetto and chrome://tracing open.
// Tracks: "array" (layers and their folds), "dma" (transfers).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace proact {

class TraceRecorder {
 public:
  // An event on `track` from start_ns for duration_ns; args are shown by the viewer.
  void add(const std::string& track, const std::string& name, double start_ns, double duration_ns,
           nlohmann::json args = nlohmann::json::object());
  std::size_t size() const { return events_.size(); }
  // {"traceEvents": [...], "displayTimeUnit": "ns"}; tracks become named threads of one process.
  nlohmann::json to_json() const;
  void save(const std::string& path) const;  // throws std::runtime_error naming the file

 private:
  struct Event {
    std::string track, name;
    double start_ns, duration_ns;
    nlohmann::json args;
  };
  int track_id(const std::string& track) const;
  std::vector<Event> events_;
  std::vector<std::string> tracks_;
};

}  // namespace proact
