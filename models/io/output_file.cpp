#include "models/io/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace proact {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error(path + ": " + problem);
}

// `directory` exists afterwards (created with its parents if missing) and is a writable folder.
void make_writable_directory(const std::string& path, const fs::path& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) fail(path, "cannot create the folder '" + directory.string() + "' (" + error.message() + ")");
  if (!fs::is_directory(directory)) fail(path, "'" + directory.string() + "' is not a folder");
  if (::access(directory.c_str(), W_OK) != 0) {
    fail(path, "the folder '" + directory.string() + "' is not writable (" + std::strerror(errno) + ")");
  }
}

}  // namespace

void prepare_output_file(const std::string& path) {
  if (path.empty()) throw std::runtime_error("the output file name is empty");
  const fs::path file(path);
  if (fs::is_directory(file)) fail(path, "is a folder; give a file name");
  make_writable_directory(path, file.has_parent_path() ? file.parent_path() : fs::path("."));
}

void prepare_output_directory(const std::string& directory) {
  if (directory.empty()) throw std::runtime_error("the output folder name is empty");
  make_writable_directory(directory, fs::path(directory));
}

void write_file_atomically(const std::string& path, const void* bytes, std::size_t size) {
  prepare_output_file(path);
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(temporary, std::string("cannot create (") + std::strerror(errno) + ")");
  const auto* data = static_cast<const unsigned char*>(bytes);
  std::string error;
  for (std::size_t done = 0; done < size && error.empty();) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      error = std::strerror(errno);
    }
  }
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (error.empty() && ::rename(temporary.c_str(), path.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) {
    ::unlink(temporary.c_str());
    fail(path, "cannot write (" + error + ")");
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, text.data(), text.size());
}

}  // namespace proact
