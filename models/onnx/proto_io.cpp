#include "models/onnx/proto_io.hpp"

#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "models/io/heap.hpp"
#include "models/io/output_file.hpp"

namespace proact {

void read_message(const std::string& path, google::protobuf::MessageLite& message, const std::string& what) {
  // Parsed from the stream, so the file's bytes are never held beside the message they become
  // (an ONNX model is mostly its weights).
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const std::streamoff bytes = in.tellg();
  in.seekg(0);
  if (bytes > 0) populate_heap(static_cast<std::size_t>(bytes));  // the message's copy of the bytes
  google::protobuf::io::IstreamInputStream stream(&in, 1 << 20);  // 1 MiB reads, not 8 KiB
  if (bytes <= 0 || !message.ParseFromZeroCopyStream(&stream) || in.bad()) {
    throw std::runtime_error(path + ": not " + what + " (" + std::to_string(std::max<std::streamoff>(0, bytes)) +
                             " bytes that do not parse as protobuf: another format, or a truncated file)");
  }
}

void write_message(const std::string& path, const google::protobuf::MessageLite& message) {
  std::string bytes;
  if (!message.SerializeToString(&bytes)) throw std::runtime_error(path + ": cannot serialise the message");
  write_file_atomically(path, bytes);
}

}  // namespace proact
