#include "kernels/registrations.hpp"
namespace actbench {
void register_onednn(Registry&) {}
}  // namespace actbench
