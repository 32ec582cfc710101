#include "hw/trace_recorder.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/io/output_file.hpp"

namespace proact {

void TraceRecorder::add(const std::string& track, const std::string& name, double start_ns, double duration_ns,
                        nlohmann::json args) {
  if (std::find(tracks_.begin(), tracks_.end(), track) == tracks_.end()) tracks_.push_back(track);
  events_.push_back({track, name, start_ns, duration_ns, std::move(args)});
}

int TraceRecorder::track_id(const std::string& track) const {
  return static_cast<int>(std::find(tracks_.begin(), tracks_.end(), track) - tracks_.begin()) + 1;
}

nlohmann::json TraceRecorder::to_json() const {
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"ph", "M"}, {"pid", 1}, {"name", "process_name"}, {"args", {{"name", "proact accelerator"}}}});
  for (const std::string& track : tracks_) {
    events.push_back({{"ph", "M"}, {"pid", 1}, {"tid", track_id(track)}, {"name", "thread_name"}, {"args", {{"name", track}}}});
  }
  for (const Event& e : events_) {
    events.push_back({{"ph", "X"}, {"pid", 1}, {"tid", track_id(e.track)}, {"name", e.name},
                      {"ts", e.start_ns / 1000.0}, {"dur", e.duration_ns / 1000.0}, {"args", e.args}});
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
}

void TraceRecorder::save(const std::string& path) const {
  write_file_atomically(path, to_json().dump() + "\n");
}

}  // namespace proact
