#pragma once
// A layer of a network graph: forward and backward on batched tensors (B, ...) whose per-sample
// shape is checked when the layer is added to a network. Parameters (trainable values and
// buffers such as batch-norm running statistics) live in the layer, each with its gradient.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/kernels/gemm.hpp"
#include "models/tensor.hpp"

namespace proact {

enum class Mode { train, eval };

struct ExecutionOptions {
  Mode mode = Mode::eval;
  // Order of the conv/dense sums (docs/design.md 2.6, Accumulation order); training uses free order.
  AccumulationOrder order = AccumulationOrder::free_order();
  // false (inference only): Network::forward frees each activation after its last reader, so peak
  // memory is the live activations, not all of them; activation(i) and backward then hold only
  // the output.
  bool keep_activations = true;
};

struct Parameter {
  std::string name;     // e.g. "weight", "bias", "running_mean", "thresholds"
  Tensor value;
  // d loss / d value, accumulated by backward passes: empty until the first (inference never
  // allocates it), then value's shape; always empty for buffers.
  Tensor grad;
  bool trainable = true;

  // grad, allocated as zeros of value's shape if it is still empty: what backward accumulates into.
  Tensor& accumulated_grad();
};

class Layer {
 public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;

  virtual std::string kind() const = 0;  // "conv2d", "dense", ...
  const std::string& name() const { return name_; }
  virtual int arity() const { return 1; }  // number of inputs

  // Per-sample output shape for per-sample input shapes; throws std::invalid_argument naming
  // the layer and the mismatch.
  virtual Shape output_shape(const std::vector<Shape>& inputs) const = 0;
  // inputs are (B, ...) tensors; output is resized by the layer. An element-wise layer may be
  // handed `output` as the very tensor one of its inputs points to (see elementwise()).
  virtual void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) = 0;
  // True when output element e depends only on element e of each input (one element count for
  // all): forward then also runs in place, and Network::forward does so in an inference where
  // nothing reads that input later (its buffer becomes the output).
  virtual bool elementwise() const { return false; }
  // After a forward with the same inputs, in either mode (the gradient of the function that
  // forward computed; eval mode keeps batch-norm statistics fixed): dinputs[i] (pre-sized like
  // inputs[i]) are overwritten with the input gradients (nullptr = not needed); parameter grads
  // accumulate.
  virtual void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                        const std::vector<Tensor*>& dinputs) = 0;

  // Kind-specific settings needed to rebuild the layer (for reports and checkpoints).
  virtual nlohmann::json attributes() const { return nlohmann::json::object(); }
  virtual std::unique_ptr<Layer> clone() const = 0;

  std::vector<Parameter>& parameters() { return params_; }
  const std::vector<Parameter>& parameters() const { return params_; }
  Parameter& parameter(const std::string& name);  // throws std::out_of_range naming layer and parameter
  const Parameter& parameter(const std::string& name) const;
  bool has_parameter(const std::string& name) const;

 protected:
  Parameter& add_parameter(std::string name, Tensor value, bool trainable = true);
  void remove_parameter(const std::string& name);
  [[noreturn]] void fail(const std::string& message) const;  // std::invalid_argument "layer 'name': message"

 private:
  std::string name_;
  std::vector<Parameter> params_;
};

// Leading (batch) dimension and per-sample element count of a batched tensor.
int batch_of(const Tensor& t);
std::size_t per_sample(const Tensor& t);
Shape batched(int batch, const Shape& sample_shape);

}  // namespace proact
