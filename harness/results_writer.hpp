#pragma once
// Writing a results file so that readers only ever see a complete file: the text goes to a temporary
// file in the same directory, is flushed to disk, and is renamed over the destination. A failure at
// any point leaves the previous file untouched.
#include <string>

namespace actbench {

// Throws std::runtime_error naming the path and the system's reason.
void write_file_atomically(const std::string& path, const std::string& contents);

// Why `path` cannot be written, or "" when it can: checked by creating (and removing) a temporary file
// next to it, the same operation write_file_atomically starts with. Creates no directories.
std::string output_path_problem(const std::string& path);

}  // namespace actbench
