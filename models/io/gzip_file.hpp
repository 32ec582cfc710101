#pragma once
// Whole text files in gzip form: written atomically (write_file_atomically), read back whether
// gzip-compressed or plain.
#include <string>

namespace proact {

// Throws std::runtime_error naming the file on any I/O error.
void write_gzip_file_atomically(const std::string& path, const std::string& text);
// Throws std::runtime_error "<path>: <problem>" when the file cannot be opened or is corrupt.
std::string read_gzip_file(const std::string& path);

}  // namespace proact
