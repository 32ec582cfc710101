#pragma once
// When an element-wise kernel (pooling, clipping) spreads its planes or samples over the OpenMP
// threads: below this many output elements the fork costs more than it saves. Every element is
// computed the same way on any thread, so results do not depend on the thread count.
#include <cstddef>

namespace proact {

inline constexpr std::size_t kParallelElements = std::size_t{1} << 16;

}  // namespace proact
