#include "sw/campaign/process_group.hpp"

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>

namespace proact {

namespace {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (const char* value = std::getenv(name); value && *value) return true;
  return false;
}

}  // namespace

ProcessGroup::ProcessGroup() : mpi_(launched_by_mpi()) {
  if (!mpi_) return;
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) throw std::logic_error("MPI is already initialised: one ProcessGroup per process");
  if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS) throw std::runtime_error("MPI_Init failed");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;  // the ranks that share this machine's memory
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

ProcessGroup::~ProcessGroup() {
  if (mpi_) MPI_Finalize();
}

std::string ProcessGroup::library_version() const {
  if (!mpi_) return "none";
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string version(text, static_cast<std::size_t>(length));
  const std::size_t end = version.find_first_of(",\n");
  return end == std::string::npos ? version : version.substr(0, end);
}

std::vector<std::string> ProcessGroup::all_gather(const std::string& mine) const {
  if (!mpi_ || size_ == 1) return {mine};
  const int length = static_cast<int>(mine.size());
  std::vector<int> lengths(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD);
  int total = 0;
  for (int r = 0; r < size_; ++r) offsets[static_cast<std::size_t>(r)] = total, total += lengths[static_cast<std::size_t>(r)];
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> parts;
  for (int r = 0; r < size_; ++r)
    parts.push_back(all.substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]),
                               static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)])));
  return parts;
}

void ProcessGroup::barrier() const {
  if (mpi_) MPI_Barrier(MPI_COMM_WORLD);
}

void ProcessGroup::abort(int code) const {
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace proact
