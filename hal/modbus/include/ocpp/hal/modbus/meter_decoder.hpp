#pragma once
// From a meter model to requests and back: which registers to read in which requests (adjacent
// quantities joined, within the model's limits), and the reading those registers hold.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/hal/modbus/meter_model.hpp"
#include "ocpp/hal/types.hpp"

namespace ocpp::hal::modbus {

struct ReadBlock {
  Table table = Table::input;
  std::uint16_t address = 0;
  std::uint16_t count = 0;
};

class MeterDecoder {
 public:
  explicit MeterDecoder(MeterModel model);

  const MeterModel& model() const { return model_; }
  // The reads of one poll, fewest first: quantities of one table whose registers are at most
  // max_gap_registers apart share a request of at most max_registers_per_read registers.
  const std::vector<ReadBlock>& blocks() const { return blocks_; }

  struct Result {
    std::optional<MeterReading> reading;  // nullopt when the energy register is unusable
    std::string error;                    // why, when it is
  };
  // `data` holds one vector per block, in order, each of the block's length (anything else is an
  // error, not a crash). A quantity other than energy that cannot be decoded (NaN, "not
  // available") is left out of the reading.
  Result decode(const std::vector<std::vector<std::uint16_t>>& data) const;

  // The resolution of the energy register in Wh at `energy_wh`: one step of an integer register,
  // or one unit in the last place of a float at that magnitude. A 64-bit register beyond 2^53
  // steps holds more digits than the double it is read into: there the resolution is the double's
  // (two units in its last place, the rounding of reading it and of scaling it).
  double energy_resolution_wh(double energy_wh) const;

 private:
  std::optional<double> value(const RegisterSpec& spec, const std::vector<std::vector<std::uint16_t>>& data) const;

  MeterModel model_;
  std::vector<ReadBlock> blocks_;
};

}  // namespace ocpp::hal::modbus
