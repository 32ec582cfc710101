#pragma once
// One writer per output directory: a long run (a campaign, an exploration) holds an exclusive
// flock(2) on DIR/.lock for its lifetime, so a second run started on the same directory refuses
// at once instead of interleaving records with the first. The kernel drops the lock when the
// holder exits, however it exits (SIGKILL included), so a killed run resumes without cleanup.
#include <string>

namespace proact {

class DirectoryLock {
 public:
  DirectoryLock() = default;
  // Creates `directory` if missing and locks it. Throws std::runtime_error naming the directory
  // (and the process that holds it) when another run holds the lock, or when it cannot be created.
  explicit DirectoryLock(const std::string& directory);
  ~DirectoryLock();
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace proact
