#include "sw/train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "models/kernels/loss.hpp"
#include "models/random.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

void TrainConfig::validate() const {
  if (epochs < 1) throw std::invalid_argument("epochs must be >= 1, got " + std::to_string(epochs));
  if (batch_size < 1) throw std::invalid_argument("batch size must be >= 1, got " + std::to_string(batch_size));
  if (schedule != "cosine" && schedule != "constant") {
    throw std::invalid_argument("schedule '" + schedule + "' unknown (expected cosine or constant)");
  }
  optimizer.validate();
}

namespace {

// Copies sample `index` into `out` (C, H, W), flipped horizontally and shifted (zero fill)
// when augmenting.
void load_sample(const Dataset& data, std::size_t index, bool augment, Rng& rng, float* out) {
  const Shape& s = data.images.shape();
  const int channels = s[1], height = s[2], width = s[3];
  const std::size_t sample = static_cast<std::size_t>(channels) * height * width;
  const float* in = data.images.data() + index * sample;
  if (!augment) {
    std::copy(in, in + sample, out);
    return;
  }
  const bool flip = rng.uniform_int(2) == 1;
  const int dy = static_cast<int>(rng.uniform_int(5)) - 2, dx = static_cast<int>(rng.uniform_int(5)) - 2;
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const int sy = y + dy, sx0 = x + dx;
        const int sx = flip ? width - 1 - sx0 : sx0;
        const bool inside = sy >= 0 && sy < height && sx0 >= 0 && sx0 < width;
        out[(static_cast<std::size_t>(c) * height + y) * width + x] =
            inside ? in[(static_cast<std::size_t>(c) * height + sy) * width + sx] : 0.0f;
      }
    }
  }
}

}  // namespace

std::vector<EpochReport> train_network(Network& network, const Dataset& train, const Dataset& validation,
                                       const TrainConfig& config, bool show_progress) {
  config.validate();
  if (train.size() == 0) throw std::invalid_argument("training set is empty");
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(config.optimizer);
  const std::vector<Parameter*> parameters = network.trainable_parameters();
  Rng rng(config.seed);
  std::vector<std::size_t> order(train.size());
  const std::size_t batches_per_epoch = (train.size() + config.batch_size - 1) / config.batch_size;
  const double total_steps = static_cast<double>(batches_per_epoch) * config.epochs;
  const std::size_t sample = per_sample(train.images);
  ExecutionOptions train_mode;
  train_mode.mode = Mode::train;

  std::vector<EpochReport> reports;
  long step = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    rng.shuffle(order);
    char label[32];
    std::snprintf(label, sizeof label, "epoch %d/%d", epoch, config.epochs);
    ProgressLine progress(std::cerr, label, train.size(), show_progress);
    double loss_sum = 0.0;
    std::size_t correct = 0, seen = 0;
    for (std::size_t begin = 0; begin < order.size(); begin += config.batch_size) {
      const int count = static_cast<int>(std::min<std::size_t>(config.batch_size, order.size() - begin));
      Shape shape = train.images.shape();
      shape[0] = count;
      Tensor images(shape);
      std::vector<int> labels(count);
      for (int b = 0; b < count; ++b) {
        load_sample(train, order[begin + b], config.augment, rng, images.data() + b * sample);
        labels[b] = train.labels[order[begin + b]];
      }
      const Tensor& logits = network.forward(images, train_mode);
      Tensor dlogits(logits.shape());
      const float loss = softmax_cross_entropy(count, logits.dim(1), logits.data(), labels, dlogits.data());
      for (int b = 0; b < count; ++b) correct += predicted_class(logits, b) == labels[b];
      network.zero_grad();
      network.backward(dlogits);
      const double lr_scale = config.schedule == "cosine" ? cosine_schedule(step, total_steps) : 1.0;
      optimizer->step(parameters, static_cast<float>(config.optimizer.learning_rate * lr_scale));
      ++step;
      loss_sum += static_cast<double>(loss) * count;
      seen += count;
      char detail[96];
      std::snprintf(detail, sizeof detail, "loss %.4f  acc %.2f%%  %.0f img/s", loss_sum / seen, 100.0 * correct / seen,
                    seen / std::max(progress.elapsed_seconds(), 1e-9));
      progress.update(seen, detail);
    }
    EpochReport report;
    report.epoch = epoch;
    report.loss = loss_sum / seen;
    report.train_accuracy = static_cast<double>(correct) / seen;
    report.seconds = progress.elapsed_seconds();
    report.images_per_second = seen / std::max(report.seconds, 1e-9);
    report.validation_accuracy = validation.size() ? evaluate(network, validation, AccumulationOrder::free_order()).accuracy() : 0.0;
    char detail[128];
    std::snprintf(detail, sizeof detail, "loss %.4f  train %.2f%%  validation %.2f%%  %.0f img/s", report.loss,
                  100.0 * report.train_accuracy, 100.0 * report.validation_accuracy, report.images_per_second);
    progress.finish(detail);
    reports.push_back(report);
  }
  return reports;
}

}  // namespace proact
