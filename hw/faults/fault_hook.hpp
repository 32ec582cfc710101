#pragma once
// Memory faults as an interface (docs/design.md 2.7, Fault hooks): a memory calls its hook on every store and
// every read, and the hook decides which bits the cells hold and which the read port delivers.
// A fault map is data: (address, bit, kind) entries that a campaign builds from a fault model and
// a seed, written and read as JSON {"faults": [{"address": 12, "bit": 3, "kind": "flip"}, ...]}.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace proact {

// flip: an upset cell, the stored bit is inverted on every store.
// stuck_at_0 / stuck_at_1: the cell always holds and delivers 0 / 1 (forced on store and on read,
// so it also hits words stored before the map was installed).
enum class FaultKind { flip, stuck_at_0, stuck_at_1 };
// "flip", "stuck-at-0", "stuck-at-1" (the campaign's --fault-kind spelling); the older "stuck_at_0"
// and "stuck_at_1" of fault map files are read too.
FaultKind parse_fault_kind(const std::string& name);
std::string fault_kind_name(FaultKind kind);

struct Fault {
  std::uint64_t address;  // word index in that memory
  int bit;                // 0 = LSB
  FaultKind kind;
  bool operator==(const Fault& other) const {
    return address == other.address && bit == other.bit && kind == other.kind;
  }
};
std::string describe(const Fault& fault);  // "address 12, bit 3, flip"

class FaultHook {
 public:
  virtual ~FaultHook() = default;
  virtual std::uint32_t on_store(std::uint64_t address, std::uint32_t word) = 0;  // returns the word the cells hold
  virtual std::uint32_t on_read(std::uint64_t address, std::uint32_t word) = 0;   // returns the word the read port delivers
};

// A list of faults with O(log n) lookup per access. Memories share it through
// std::shared_ptr<FaultHook> (the campaign keeps its own pointer to read the counts), so a map
// outlives every memory it is installed in; it can be swapped or removed between inferences.
class FaultMap : public FaultHook {
 public:
  FaultMap() = default;
  // Throws std::invalid_argument naming the entry ("faults[i]" and its fields) for a
  // bit outside 0..31 or two entries on the same (address, bit).
  explicit FaultMap(std::vector<Fault> faults);

  // Throws std::invalid_argument naming the first entry whose address is not below `words` or
  // whose bit is not below `word_bits`, and the memory `name`.
  void validate_for(const std::string& name, std::uint64_t words, int word_bits) const;

  std::uint32_t on_store(std::uint64_t address, std::uint32_t word) override;
  std::uint32_t on_read(std::uint64_t address, std::uint32_t word) override;

  const std::vector<Fault>& faults() const { return faults_; }  // in the order given
  bool empty() const { return faults_.empty(); }
  // Stores whose cells ended up different from the word written, and reads whose delivered
  // word differed from the cells, since construction or reset_counts().
  std::uint64_t changed_stores() const { return changed_stores_; }
  std::uint64_t changed_reads() const { return changed_reads_; }
  void reset_counts();

 private:
  // The faults of one word folded into masks: cells = ((word ^ flip) & ~stuck_0) | stuck_1.
  struct WordFaults {
    std::uint64_t address;
    std::uint32_t flip = 0, stuck_0 = 0, stuck_1 = 0;
  };
  const WordFaults* find(std::uint64_t address) const;

  std::vector<Fault> faults_;
  std::vector<WordFaults> words_;  // sorted by address, one entry per faulted word
  std::uint64_t changed_stores_ = 0;
  std::uint64_t changed_reads_ = 0;
};

// JSON round trip. from_json throws std::invalid_argument naming the entry ("faults[3]") and the
// problem: missing or unknown key, wrong type, negative address, unknown kind, bad bit, duplicate.
nlohmann::json fault_map_to_json(const FaultMap& map);
FaultMap fault_map_from_json(const nlohmann::json& json);
FaultMap load_fault_map(const std::string& path);  // errors name the file
void save_fault_map(const FaultMap& map, const std::string& path);

}  // namespace proact
