#pragma once
// One ONNX node as an operator translation reads it: its inputs, outputs and typed attributes
// with their ONNX defaults, and refuse(), which throws the one-line error every problem with the
// node becomes: "<file>: node '<name>' (<op type>, opset <n>): <problem>". Internal to models/onnx.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace proact {

class NodeReader {
 public:
  // `source`: the file, for messages; `opset`: of the default domain.
  NodeReader(const onnx::NodeProto& node, const std::string& source, int opset);
  // Another node of the same graph (a translation looking at the node that reads its output).
  NodeReader other(const onnx::NodeProto& node) const { return NodeReader(node, source_, opset_); }

  const onnx::NodeProto& proto() const { return node_; }
  const std::string& op_type() const { return node_.op_type(); }
  int opset() const { return opset_; }
  std::string name() const;  // the node's name, or "<op type> -> <output 0>" when it has none

  // Input or output i; an absent optional one (past the end, or "") is the empty string.
  std::string input(int i) const;
  std::string output(int i) const;
  int output_count() const { return node_.output_size(); }

  // Attributes by name, with the default when absent; refuse() when present with another type.
  bool has_attribute(const std::string& name) const { return find(name) != nullptr; }
  std::int64_t int_attribute(const std::string& name, std::int64_t fallback) const;
  float float_attribute(const std::string& name, float fallback) const;
  std::string string_attribute(const std::string& name, const std::string& fallback) const;
  std::vector<std::int64_t> ints_attribute(const std::string& name, const std::vector<std::int64_t>& fallback) const;

  // Throws std::invalid_argument with the node's context (see above).
  [[noreturn]] void refuse(const std::string& problem) const;
  // refuse() naming an attribute whose value this build cannot express, and why.
  [[noreturn]] void refuse_attribute(const std::string& name, const std::string& value, const std::string& why) const;

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::AttributeProto* typed(const std::string& name, onnx::AttributeProto::AttributeType type) const;

  const onnx::NodeProto& node_;
  const std::string& source_;
  int opset_;
};

// "[1, 2, 3]", for messages about int-list attributes.
std::string ints_string(const std::vector<std::int64_t>& values);

// `message` with control characters escaped as \xNN: names read from a damaged file cannot break
// an error message's one line.
std::string one_line(const std::string& message);

}  // namespace proact
