#include "kernels/cudnn/backend_descriptor.hpp"

#include <string>
#include <utility>

#include "kernels/cudnn/cudnn_check.hpp"

namespace actbench::cudnn {
namespace {

void check(cudnnStatus_t status, const char* call, const std::source_location& where) {
  if (status != CUDNN_STATUS_SUCCESS) throw_cudnn_error(status, call, where.file_name(), where.line());
}

void check_attribute(cudnnStatus_t status, const char* function, cudnnBackendAttributeName_t name,
                     const std::source_location& where) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  const std::string call = std::string(function) + "(attribute " + std::to_string(static_cast<int>(name)) + ")";
  check(status, call.c_str(), where);
}

}  // namespace

BackendDescriptor::BackendDescriptor(cudnnBackendDescriptorType_t type) {
  AB_CUDNN_CHECK(cudnnBackendCreateDescriptor(type, &desc_));
}

BackendDescriptor::~BackendDescriptor() {
  // A destructor cannot report failure; destroying a valid descriptor has none to report.
  if (desc_ != nullptr) static_cast<void>(cudnnBackendDestroyDescriptor(desc_));
}

BackendDescriptor::BackendDescriptor(BackendDescriptor&& other) noexcept
    : desc_(std::exchange(other.desc_, nullptr)) {}

BackendDescriptor& BackendDescriptor::operator=(BackendDescriptor&& other) noexcept {
  std::swap(desc_, other.desc_);
  return *this;
}

void BackendDescriptor::set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
                            std::int64_t count, const void* values, std::source_location where) {
  check_attribute(cudnnBackendSetAttribute(desc_, name, type, count, values), "cudnnBackendSetAttribute", name, where);
}

void BackendDescriptor::set(cudnnBackendAttributeName_t name, const BackendDescriptor& value,
                            std::source_location where) {
  set(name, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &value.desc_, where);
}

std::int64_t BackendDescriptor::get_int64(cudnnBackendAttributeName_t name, std::source_location where) const {
  std::int64_t value = 0;
  std::int64_t count = 0;
  check_attribute(cudnnBackendGetAttribute(desc_, name, CUDNN_TYPE_INT64, 1, &count, &value),
                  "cudnnBackendGetAttribute", name, where);
  return value;
}

std::vector<BackendDescriptor> BackendDescriptor::get_descriptors(cudnnBackendAttributeName_t name,
                                                                  cudnnBackendDescriptorType_t element_type,
                                                                  std::source_location where) const {
  std::int64_t available = 0;
  check_attribute(cudnnBackendGetAttribute(desc_, name, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &available, nullptr),
                  "cudnnBackendGetAttribute", name, where);
  // cuDNN fills descriptors the caller created, of the element type the attribute holds.
  std::vector<BackendDescriptor> values;
  std::vector<cudnnBackendDescriptor_t> raw;
  for (std::int64_t i = 0; i < available; ++i) {
    values.emplace_back(element_type);
    raw.push_back(values.back().get());
  }
  std::int64_t returned = 0;
  if (available > 0) {
    const cudnnStatus_t status =
        cudnnBackendGetAttribute(desc_, name, CUDNN_TYPE_BACKEND_DESCRIPTOR, available, &returned, raw.data());
    check_attribute(status, "cudnnBackendGetAttribute", name, where);
  }
  values.erase(values.begin() + returned, values.end());
  return values;
}

void BackendDescriptor::finalize(std::source_location where) {
  check(cudnnBackendFinalize(desc_), "cudnnBackendFinalize", where);
}

cudnnStatus_t BackendDescriptor::try_finalize() { return cudnnBackendFinalize(desc_); }

}  // namespace actbench::cudnn
