#include "harness/results_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace actbench {
namespace {

namespace fs = std::filesystem;

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// A unique temporary file next to `path` (same directory, so the rename cannot cross file systems).
// Returns its descriptor and fills `temp_path`, or returns -1 with errno set.
int create_temporary_beside(const std::string& path, std::string& temp_path) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  temp_path = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(temp_path.begin(), temp_path.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  temp_path.assign(name.data());
  return fd;
}

bool write_all(int fd, const std::string& contents) {
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& contents) {
  std::string temp_path;
  const int fd = create_temporary_beside(path, temp_path);
  if (fd < 0) throw std::runtime_error(system_error("cannot create a temporary file for " + path));
  // mkstemp creates the file 0600; a results file is as readable as any file the user creates.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const bool written = ::fchmod(fd, 0666 & ~mask) == 0 && write_all(fd, contents) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || std::rename(temp_path.c_str(), path.c_str()) != 0) {
    if (!written) errno = saved_errno;
    const std::string message = system_error("cannot write " + path);
    ::unlink(temp_path.c_str());
    throw std::runtime_error(message);
  }
}

std::string output_path_problem(const std::string& path) {
  if (path.empty()) return "the output path is empty";
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path + " is a directory";
  std::string temp_path;
  const int fd = create_temporary_beside(path, temp_path);
  if (fd < 0) return system_error("cannot create files next to " + path);
  ::close(fd);
  ::unlink(temp_path.c_str());
  return "";
}

}  // namespace actbench
