#include "models/onnx/node_reader.hpp"

#include <cstdio>
#include <stdexcept>

namespace proact {

NodeReader::NodeReader(const onnx::NodeProto& node, const std::string& source, int opset)
    : node_(node), source_(source), opset_(opset) {}

std::string NodeReader::name() const {
  return node_.name().empty() ? op_type() + " -> " + output(0) : node_.name();
}

std::string NodeReader::input(int i) const { return i < node_.input_size() ? node_.input(i) : std::string(); }

std::string NodeReader::output(int i) const { return i < node_.output_size() ? node_.output(i) : std::string(); }

const onnx::AttributeProto* NodeReader::find(const std::string& name) const {
  for (const onnx::AttributeProto& a : node_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

const onnx::AttributeProto* NodeReader::typed(const std::string& name, onnx::AttributeProto::AttributeType type) const {
  const onnx::AttributeProto* a = find(name);
  if (a && a->type() != type) {
    refuse("attribute '" + name + "' is of type " + onnx::AttributeProto_AttributeType_Name(a->type()) + ", expected " +
           onnx::AttributeProto_AttributeType_Name(type));
  }
  return a;
}

std::int64_t NodeReader::int_attribute(const std::string& name, std::int64_t fallback) const {
  const onnx::AttributeProto* a = typed(name, onnx::AttributeProto::INT);
  return a ? a->i() : fallback;
}

float NodeReader::float_attribute(const std::string& name, float fallback) const {
  const onnx::AttributeProto* a = typed(name, onnx::AttributeProto::FLOAT);
  return a ? a->f() : fallback;
}

std::string NodeReader::string_attribute(const std::string& name, const std::string& fallback) const {
  const onnx::AttributeProto* a = typed(name, onnx::AttributeProto::STRING);
  return a ? a->s() : fallback;
}

std::vector<std::int64_t> NodeReader::ints_attribute(const std::string& name,
                                                     const std::vector<std::int64_t>& fallback) const {
  const onnx::AttributeProto* a = typed(name, onnx::AttributeProto::INTS);
  return a ? std::vector<std::int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

void NodeReader::refuse(const std::string& problem) const {
  throw std::invalid_argument(one_line(source_ + ": node '" + name() + "' (" + op_type() + ", opset " +
                                       std::to_string(opset_) + "): " + problem));
}

void NodeReader::refuse_attribute(const std::string& name, const std::string& value, const std::string& why) const {
  refuse("attribute " + name + "=" + value + " is not supported (" + why + ")");
}

std::string ints_string(const std::vector<std::int64_t>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

std::string one_line(const std::string& message) {
  std::string s;
  for (char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      s += c;
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
    s += escaped;
  }
  return s;
}

}  // namespace proact
