#include "bench/sweep.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "harness/buffers.hpp"
#include "harness/case_data.hpp"
#include "harness/results_writer.hpp"
#include "kernels/registry.hpp"

namespace actbench::cli {
namespace {

// Per element, the fewest and most bytes a case keeps live: a plain forward reads x and writes y;
// a CReLU backward holds x, a doubled dy and dx (4 arrays).
constexpr std::int64_t kFewestArrays = 2;
constexpr std::int64_t kMostArrays = 4;
// A GPU tensor of this many elements takes about as long as its launch: where the ladder starts.
constexpr std::int64_t kGpuSmallest = 4096;
// The smallest CPU size, when the L1 size is unknown.
constexpr std::int64_t kCpuSmallest = 1024;

std::vector<DType> dtypes_or_all(const std::vector<DType>& dtypes) {
  return dtypes.empty() ? std::vector<DType>(std::begin(kAllDTypes), std::end(kAllDTypes)) : dtypes;
}

std::int64_t smallest_element(const std::vector<DType>& dtypes) {
  std::int64_t s = 8;
  for (DType d : dtypes_or_all(dtypes)) s = std::min<std::int64_t>(s, static_cast<std::int64_t>(size_of(d)));
  return s;
}

std::int64_t largest_element(const std::vector<DType>& dtypes) {
  std::int64_t s = 1;
  for (DType d : dtypes_or_all(dtypes)) s = std::max<std::int64_t>(s, static_cast<std::int64_t>(size_of(d)));
  return s;
}

// The largest power of 4 <= n (at least 1), and the smallest >= n.
std::int64_t power_of_4_at_most(std::int64_t n) {
  std::int64_t p = 1;
  while (p * 4 <= n) p *= 4;
  return p;
}
std::int64_t power_of_4_at_least(std::int64_t n) {
  std::int64_t p = 1;
  while (p < n) p *= 4;
  return p;
}

std::vector<std::int64_t> ladder(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t n = first; n <= last; n *= 4) sizes.push_back(n);
  return sizes;
}

bool selected(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}
template <class T>
bool selected(const std::vector<T>& filter, T value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

bool wants_device(const Options& o, Device d) {
  return o.devices.empty() ||
         std::any_of(o.devices.begin(), o.devices.end(), [&](const DeviceSelector& s) { return s.device == d; });
}

// The GPU indices the options ask for, among those present.
std::vector<int> selected_gpus(const Options& o, const Machine& m) {
  std::vector<int> indices;
  for (const GpuInfo& g : m.gpus) {
    const bool wanted = o.devices.empty() || std::any_of(o.devices.begin(), o.devices.end(), [&](const DeviceSelector& s) {
                          return s.device == Device::cuda && (!s.index || *s.index == g.index);
                        });
    if (wanted) indices.push_back(g.index);
  }
  return indices;
}

std::string point_name(const Case& c, const std::string& device, Shape shape, InputKind input, const char* l2) {
  std::string name = c.activation + "/" + std::string(name_of(c.direction)) + "/" + c.implementation + "/" + device +
                     "/" + std::string(name_of(c.dtype)) + "/" + size_label(shape) + "/" + std::string(name_of(input));
  if (l2) name += std::string("/") + l2;
  return name;
}

std::vector<InputKind> inputs_or_default(const Options& o) {
  return o.inputs.empty() ? std::vector<InputKind>{InputKind::mixed} : o.inputs;
}

std::vector<Shape> shapes_of(const std::vector<std::int64_t>& sizes) {
  std::vector<Shape> shapes;
  for (std::int64_t n : sizes) shapes.push_back(shape_for(n));
  return shapes;
}

// Puts the implementations of each question one after another, questions in the order they first
// appear: each comparison is then timed within seconds, so a drift in the machine's bandwidth (a
// shared VM's moves within a minute) falls on all of its implementations alike.
void group_implementations(std::vector<Point>& points) {
  std::map<Question, std::size_t> first_seen;
  for (const Point& p : points) first_seen.emplace(question_of(p), first_seen.size());
  std::stable_sort(points.begin(), points.end(), [&first_seen](const Point& a, const Point& b) {
    return first_seen.at(question_of(a)) < first_seen.at(question_of(b));
  });
}

}  // namespace

std::string Point::device() const {
  return c->device == Device::cpu ? "cpu" : "cuda:" + std::to_string(device_index);
}

std::vector<const Case*> selected_cases(const Options& o) {
  std::vector<const Case*> cases;
  for (const Case& c : registry().cases()) {
    if (selected(o.activations, c.activation) && selected(o.implementations, c.implementation) &&
        selected(o.dtypes, c.dtype) && selected(o.directions, c.direction) && wants_device(o, c.device)) {
      cases.push_back(&c);
    }
  }
  return cases;
}

std::vector<std::int64_t> default_cpu_sizes(const CpuInfo& cpu, const std::vector<DType>& dtypes, DType dtype) {
  const std::int64_t l1 = static_cast<std::int64_t>(cpu.l1_data_bytes());
  const std::int64_t llc = static_cast<std::int64_t>(cpu.last_level_bytes());
  const std::int64_t first =
      l1 > 0 ? power_of_4_at_most(std::max<std::int64_t>(1, l1 / (kMostArrays * largest_element(dtypes)))) : kCpuSmallest;
  const std::int64_t last = power_of_4_at_least(std::max<std::int64_t>(
      first, 4 * std::max<std::int64_t>(llc, 1) / (kFewestArrays * static_cast<std::int64_t>(size_of(dtype)))));
  return ladder(first, last);
}

std::vector<std::int64_t> default_gpu_sizes(const GpuInfo& gpu, const std::vector<DType>& dtypes) {
  const std::int64_t l2 = static_cast<std::int64_t>(gpu.l2_bytes);
  const std::int64_t last = power_of_4_at_least(
      std::max<std::int64_t>(kGpuSmallest, 8 * l2 / (kFewestArrays * smallest_element(dtypes))));
  return ladder(kGpuSmallest, last);
}

std::vector<std::int64_t> quick_cpu_sizes(const CpuInfo& cpu) {
  // f32 forward working sets: one within the largest private cache, one within the last level, at
  // most 64K and 1M elements. A VM's share of a server's last-level cache can be 260 MiB: 16M
  // elements would take --quick past five minutes on two cores, and quick runs on different
  // machines would share no size with the baseline CI compares them with.
  constexpr std::int64_t kMostResident = std::int64_t{1} << 16;
  constexpr std::int64_t kMostShared = std::int64_t{1} << 20;
  std::size_t private_cache = cpu.l1_data_bytes();
  for (const CacheLevel& c : cpu.caches) {
    if (c.type != "Instruction" && c.size_bytes < cpu.last_level_bytes()) private_cache = std::max(private_cache, c.size_bytes);
  }
  const std::int64_t per_element = kFewestArrays * static_cast<std::int64_t>(size_of(DType::f32));
  const std::int64_t resident = std::min(
      kMostResident, power_of_4_at_most(std::max<std::int64_t>(kCpuSmallest, private_cache / per_element)));
  const std::int64_t shared = std::max(
      resident * 4,
      std::min(kMostShared, power_of_4_at_most(static_cast<std::int64_t>(cpu.last_level_bytes()) / per_element)));
  return {resident, shared};
}

// A square layer, BERT-base's MLP over 8192 tokens, and a rank-64 LoRA up-projection over the same
// tokens, whose activation pass is a fifth of the layer: there fusing it shows above the noise.
std::vector<Shape> default_gemm_shapes() {
  return {Shape{4096, 4096, 4096}, Shape{8192, 3072, 768}, Shape{8192, 3072, 64}};
}

std::vector<Shape> quick_gemm_shapes() { return {Shape{256, 3072, 768}}; }

std::vector<std::int64_t> quick_gpu_sizes(const GpuInfo& gpu) {
  const std::int64_t per_element = kFewestArrays * static_cast<std::int64_t>(size_of(DType::f32));
  return {kGpuSmallest * 16,
          power_of_4_at_least(std::max<std::int64_t>(kGpuSmallest * 64, 2 * static_cast<std::int64_t>(gpu.l2_bytes) / per_element))};
}

void check_against_machine(const Options& o, const Machine& m) {
  for (const DeviceSelector& s : o.devices) {
    if (s.index && !m.gpus.empty() && *s.index >= static_cast<int>(m.gpus.size())) {
      throw UsageError("unknown device 'cuda:" + std::to_string(*s.index) + "' in --devices (this machine has cuda:0" +
                       (m.gpus.size() > 1 ? " to cuda:" + std::to_string(m.gpus.size() - 1) : "") + ")");
    }
  }
  // The smallest footprint a size can have: x and y in the smallest selected dtype.
  const std::int64_t per_element = kFewestArrays * smallest_element(o.dtypes);
  for (std::int64_t n : o.sizes) {
    const double needed = static_cast<double>(n) * static_cast<double>(per_element);
    std::vector<std::pair<std::string, std::size_t>> memories;
    if (wants_device(o, Device::cpu)) memories.emplace_back("host", free_memory(Device::cpu, 0));
    for (int g : selected_gpus(o, m)) memories.emplace_back("cuda:" + std::to_string(g), free_memory(Device::cuda, g));
    for (const auto& [where, available] : memories) {
      if (needed > static_cast<double>(available)) {
        throw UsageError("size " + std::to_string(n) + " in --sizes needs at least " +
                         std::to_string(static_cast<long long>(needed / (1 << 20))) + " MiB, but " + where + " has " +
                         std::to_string(available >> 20) + " MiB available (accepted: sizes that fit in memory)");
      }
    }
  }
}

void check_output_path(const std::string& flag, const std::string& path) {
  // A missing results directory is created (results/ when run outside the source tree).
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (const std::string problem = output_path_problem(path); !problem.empty()) {
    throw UsageError("cannot write --" + flag + "=" + path + ": " + problem);
  }
}

Question question_of(const Point& p) {
  return {p.c->device, p.device_index, p.c->activation, p.c->direction, p.c->dtype, p.shape.rows,
          p.shape.channels,  p.shape.depth, p.input,        p.cold_l2};
}

Sweep plan_sweep(const Options& o, const Machine& m) {
  Sweep sweep;
  const std::vector<InputKind> inputs = inputs_or_default(o);
  const int cpu_threads = o.threads.value_or(std::max(1, m.cpu.threads));
  const std::vector<int> gpus = selected_gpus(o, m);
  std::map<int, std::vector<Shape>> gpu_shapes;
  for (int g : gpus) {
    gpu_shapes[g] = shapes_of(!o.sizes.empty() ? o.sizes
                              : o.quick      ? quick_gpu_sizes(m.gpus[g])
                                             : default_gpu_sizes(m.gpus[g], o.dtypes));
  }
  const auto cpu_shapes = [&](DType dtype) {
    return shapes_of(!o.sizes.empty() ? o.sizes
                     : o.quick        ? quick_cpu_sizes(m.cpu)
                                      : default_cpu_sizes(m.cpu, o.dtypes, dtype));
  };
  const std::vector<Shape> gemm_shapes =
      !o.gemm_shapes.empty() ? o.gemm_shapes : o.quick ? quick_gemm_shapes() : default_gemm_shapes();
  std::vector<const char*> l2_modes;
  if (o.l2 != L2Mode::hot) l2_modes.push_back("cold");
  if (o.l2 != L2Mode::cold) l2_modes.push_back("hot");

  for (const Case* c : selected_cases(o)) {
    const bool on_gpu = c->device == Device::cuda;
    if (!c->runnable()) {
      sweep.skipped.push_back({c, on_gpu ? "cuda" : "cpu", c->unsupported});
      continue;
    }
    if (!on_gpu) {
      for (const Shape& shape : c->signature.gemm ? gemm_shapes : cpu_shapes(c->dtype)) {
        for (InputKind input : inputs) {
          sweep.points.push_back(Point{c, 0, shape, input, true, c->single_threaded ? 1 : cpu_threads,
                                       point_name(*c, "cpu", shape, input, nullptr)});
        }
      }
      continue;
    }
    if (gpus.empty()) {
      sweep.skipped.push_back({c, "cuda", m.no_gpu_reason});
      continue;
    }
    for (int g : gpus) {
      const std::string device = "cuda:" + std::to_string(g);
      for (const Shape& shape : c->signature.gemm ? gemm_shapes : gpu_shapes[g]) {
        for (InputKind input : inputs) {
          for (const char* l2 : l2_modes) {
            sweep.points.push_back(Point{c, g, shape, input, std::string(l2) == "cold", 1,
                                         point_name(*c, device, shape, input, l2)});
          }
        }
      }
    }
  }
  group_implementations(sweep.points);
  return sweep;
}

}  // namespace actbench::cli
