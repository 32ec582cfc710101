#pragma once
// ONNX protobuf messages as files, in the binary wire format. Internal to models/onnx (it
// includes ONNX's generated classes, which only proact_onnx links).
#include <onnx/onnx_pb.h>

#include <string>

namespace proact {

// The metadata_props entry in which `proact export` stores the checkpoint's metadata (JSON).
inline constexpr char kMetadataProperty[] = "proact.metadata";

// Parses the whole of `path` into `message`. `what` names the expected content ("an ONNX model")
// in the error. Throws std::runtime_error "path: cannot open ..." or "path: not <what> ...".
void read_message(const std::string& path, google::protobuf::MessageLite& message, const std::string& what);

// Writes `message` to `path` through a temporary file and rename (models/io/output_file.hpp), so a
// failed write leaves the previous file; throws std::runtime_error naming the file when it cannot.
void write_message(const std::string& path, const google::protobuf::MessageLite& message);

}  // namespace proact
