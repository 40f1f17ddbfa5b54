#pragma once
// An owned cuDNN backend (graph API) descriptor with checked attribute setters.
#include <cstdint>
#include <source_location>
#include <vector>

#include <cudnn.h>

namespace actbench::cudnn {

class BackendDescriptor {
 public:
  explicit BackendDescriptor(cudnnBackendDescriptorType_t type);
  ~BackendDescriptor();
  BackendDescriptor(BackendDescriptor&& other) noexcept;
  BackendDescriptor& operator=(BackendDescriptor&& other) noexcept;
  BackendDescriptor(const BackendDescriptor&) = delete;
  BackendDescriptor& operator=(const BackendDescriptor&) = delete;

  cudnnBackendDescriptor_t get() const { return desc_; }

  // These throw std::runtime_error naming the attribute, the caller's file:line and cuDNN's reason.
  void set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, std::int64_t count,
           const void* values, std::source_location where = std::source_location::current());
  void set(cudnnBackendAttributeName_t name, const BackendDescriptor& value,
           std::source_location where = std::source_location::current());
  std::int64_t get_int64(cudnnBackendAttributeName_t name,
                         std::source_location where = std::source_location::current()) const;
  // A descriptor-valued result attribute (an engine heuristic's configs), as many as cuDNN returns.
  std::vector<BackendDescriptor> get_descriptors(cudnnBackendAttributeName_t name,
                                                 cudnnBackendDescriptorType_t element_type,
                                                 std::source_location where = std::source_location::current()) const;
  void finalize(std::source_location where = std::source_location::current());
  // For descriptors cuDNN may legitimately refuse (an engine config that cannot run this graph).
  cudnnStatus_t try_finalize();

 private:
  cudnnBackendDescriptor_t desc_ = nullptr;
};

}  // namespace actbench::cudnn
