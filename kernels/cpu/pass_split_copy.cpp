#include "kernels/cpu/pass_split_copy.hpp"

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/activation_lookup.hpp"
#include "kernels/cpu/parallel.hpp"

namespace actbench {

void pass_split_copy(std::string_view activation, int threads, void* to, const void* from, std::int64_t elements,
                     std::size_t element_bytes) {
  int workers = 0;
  with_activation(activation, [&](auto* tag) {
    workers = worker_count<std::remove_pointer_t<decltype(tag)>>(elements, threads);
  });
  if (workers == 0) throw std::invalid_argument("pass_split_copy: unknown activation " + std::string(activation));
  parallel_chunks(elements, workers, [&](std::int64_t begin, std::int64_t end, int, int) {
    if (begin == end) return;  // memcpy wants valid pointers even for 0 bytes, and an empty vector's may be null
    const auto offset = static_cast<std::size_t>(begin) * element_bytes;
    std::memcpy(static_cast<char*>(to) + offset, static_cast<const char*>(from) + offset,
                static_cast<std::size_t>(end - begin) * element_bytes);
  });
}

}  // namespace actbench
