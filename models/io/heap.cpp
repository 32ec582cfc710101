#include "models/io/heap.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace proact {

void populate_heap(std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  char* block = static_cast<char*>(std::malloc(bytes + page));
  if (!block) return;
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(block) + page - 1) / page * page;
  madvise(reinterpret_cast<void*>(first), bytes, MADV_POPULATE_WRITE);
  std::free(block);
#else
  (void)bytes;
#endif
}

}  // namespace proact
