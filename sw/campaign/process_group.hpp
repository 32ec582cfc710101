#pragma once
// The processes a campaign runs on: just this one, or the ranks of an MPI job. MPI is initialised
// only when the process was started by an MPI launcher (mpirun sets OMPI_COMM_WORLD_SIZE, or
// PMI_SIZE / PMIX_RANK), so `proact` runs as a plain program without mpirun; it is finalised
// when the group is destroyed. One group per process.
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace proact {

class ProcessGroup {
 public:
  ProcessGroup();
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_size() const { return local_size_; }  // processes of the group on this machine
  bool uses_mpi() const { return mpi_; }
  std::string library_version() const;  // the MPI library, or "none"

  // Every process's string in rank order (MPI_Allgatherv); collective.
  std::vector<std::string> all_gather(const std::string& mine) const;
  void barrier() const;
  // Ends every process of the job with `code` (MPI_Abort); without MPI, std::exit.
  [[noreturn]] void abort(int code) const;

 private:
  bool mpi_ = false;
  int rank_ = 0, size_ = 1, local_size_ = 1;
};

// Runs `step` on every process; if any of them throws, every process throws the first message
// (in rank order), so no process waits forever in a collective call.
template <typename Step>
void together(const ProcessGroup& group, Step&& step) {
  std::string error;
  try {
    step();
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "unknown error";
  }
  for (const std::string& message : group.all_gather(error))
    if (!message.empty()) throw std::runtime_error(message);
}

}  // namespace proact
