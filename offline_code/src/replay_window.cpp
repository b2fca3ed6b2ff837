// Single use of serials (docs/offline-code.md section 6).
#include "ocpp/offline_code/replay_window.hpp"

#include <charconv>

#include "bytes.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::offline_code {
namespace {

constexpr std::string_view kPrefix = "replay/1 ";
constexpr std::size_t kHexChars = ReplayWindow::kWidth / 4;

}  // namespace

bool ReplayWindow::bit(std::uint32_t offset) const { return (bits_[offset / 64] >> (offset % 64)) & 1U; }

void ReplayWindow::set_bit(std::uint32_t offset) { bits_[offset / 64] |= std::uint64_t{1} << (offset % 64); }

// Offset i becomes offset i + by; offsets pushed past the window are forgotten (and refused as too old).
void ReplayWindow::shift_up(std::uint64_t by) {
  if (by >= kWidth) {
    bits_.fill(0);
    return;
  }
  const std::size_t words = static_cast<std::size_t>(by / 64);
  const unsigned shift = static_cast<unsigned>(by % 64);
  for (std::size_t i = kWords; i-- > 0;) {
    std::uint64_t v = 0;
    if (i >= words) {
      v = bits_[i - words] << shift;
      if (shift != 0 && i >= words + 1) v |= bits_[i - words - 1] >> (64 - shift);
    }
    bits_[i] = v;
  }
}

ReplayWindow::Check ReplayWindow::check(std::uint32_t serial) const {
  if (!highest_ || serial > *highest_) return Check::Fresh;
  const std::uint32_t offset = *highest_ - serial;
  if (offset >= kWidth) return Check::TooOld;
  return bit(offset) ? Check::Used : Check::Fresh;
}

ReplayWindow::Check ReplayWindow::accept(std::uint32_t serial) {
  const Check c = check(serial);
  if (c != Check::Fresh) return c;
  if (!highest_) {
    bits_.fill(0);
    highest_ = serial;
  } else if (serial > *highest_) {
    shift_up(serial - *highest_);
    highest_ = serial;
  }
  set_bit(*highest_ - serial);
  return c;
}

bool ReplayWindow::release(std::uint32_t serial) {
  if (check(serial) != Check::Used) return false;
  const std::uint32_t offset = *highest_ - serial;
  bits_[offset / 64] &= ~(std::uint64_t{1} << (offset % 64));
  // H stays the top of the window even when its own bit is freed: lowering it would bring serials
  // that had left the window (refused as too old) back in as fresh.
  return true;
}

std::string ReplayWindow::serialise() const {
  std::string out(kPrefix);
  if (!highest_) return out + "-";
  out += std::to_string(*highest_);
  out.push_back(' ');
  std::uint8_t bytes[kWidth / 8];
  for (std::size_t j = 0; j < kWidth / 8; ++j) bytes[j] = static_cast<std::uint8_t>(bits_[j / 8] >> (8 * (j % 8)));
  return out + to_hex(bytes, sizeof bytes);
}

std::optional<ReplayWindow> ReplayWindow::parse(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  ReplayWindow w;
  if (text == "-") return w;
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space == 0 || text[0] == '+' || (text[0] == '0' && space > 1)) {
    return std::nullopt;
  }
  std::uint32_t highest = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + space, highest);
  if (ec != std::errc() || end != text.data() + space) return std::nullopt;
  const std::string_view hex = text.substr(space + 1);
  if (hex.size() != kHexChars) return std::nullopt;
  for (std::size_t j = 0; j < kWidth / 8; ++j) {
    const int hi = hex_digit_value(hex[2 * j]);
    const int lo = hex_digit_value(hex[2 * j + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    w.bits_[j / 8] |= static_cast<std::uint64_t>(hi * 16 + lo) << (8 * (j % 8));
  }
  // No bit may stand for a serial below 0. H's own bit is clear only when its code was freed
  // (release()).
  w.highest_ = highest;
  for (std::uint64_t offset = std::uint64_t{highest} + 1; offset < kWidth; ++offset) {
    if (w.bit(static_cast<std::uint32_t>(offset))) return std::nullopt;
  }
  return w;
}

std::string_view to_string(ReplayWindow::Check check) {
  switch (check) {
    case ReplayWindow::Check::Fresh: return "fresh";
    case ReplayWindow::Check::Used: return "used";
    case ReplayWindow::Check::TooOld: return "too_old";
  }
  return "unknown";
}

}  // namespace ocpp::offline_code
