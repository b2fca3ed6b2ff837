#include "string_set.hpp"

#include <stdexcept>
#include <utility>

namespace ocpp::schema_detail {

StringSet::StringSet(std::vector<std::string> values) : values_(std::move(values)) {
  if (values_.empty()) return;
  std::size_t size = 4;
  while (size < 2 * values_.size()) size *= 2;
  slots_.assign(size, Slot{});
  mask_ = size - 1;
  for (const std::string& value : values_) {
    if (value.size() >= kEmpty || bytes_.size() + value.size() >= kEmpty) throw std::length_error("enum too large");
    if (contains(value)) continue;  // a duplicate
    std::size_t slot = hash(value) & mask_;
    while (slots_[slot].size != kEmpty) slot = (slot + 1) & mask_;
    slots_[slot] = Slot{static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(value.size())};
    bytes_ += value;
  }
}

}  // namespace ocpp::schema_detail
