#include "models/onnx/proto_io.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace proact {

void read_message(const std::string& path, google::protobuf::MessageLite& message, const std::string& what) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string bytes(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) throw std::runtime_error(path + ": read error");
  if (bytes.empty() || !message.ParseFromString(bytes)) {
    throw std::runtime_error(path + ": not " + what + " (" + std::to_string(bytes.size()) +
                             " bytes that do not parse as protobuf: another format, or a truncated file)");
  }
}

void write_message(const std::string& path, const google::protobuf::MessageLite& message) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !message.SerializeToOstream(&out) || !out.flush()) throw std::runtime_error(path + ": cannot write");
}

}  // namespace proact
