#pragma once
// Why a layer could not run; the controller reports it in ERROR_CODE.
#include <stdexcept>
#include <string>

#include "hw/interface/register_map.hpp"

namespace proact {

class DeviceFault : public std::runtime_error {
 public:
  DeviceFault(DeviceError code, const std::string& what) : std::runtime_error(what), code_(code) {}
  DeviceError code() const { return code_; }

 private:
  DeviceError code_;
};

}  // namespace proact
