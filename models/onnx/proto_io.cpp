#include "models/onnx/proto_io.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace proact {

void read_message(const std::string& path, google::protobuf::MessageLite& message, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path + ": read error");
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
