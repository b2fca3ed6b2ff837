#pragma once
// Single use (docs/offline-code.md section 6): the pile's record of accepted serials for one key
// version. Bounded (the highest serial and a 1024-bit window below it) and never re-accepting: a serial
// below the window is refused as too old. A value type; the pile persists serialise() durably before
// it closes the contactor.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocpp::offline_code {

class ReplayWindow {
 public:
  static constexpr std::uint32_t kWidth = 1024;

  enum class Check { Fresh, Used, TooOld };

  Check check(std::uint32_t serial) const;
  // Records `serial` if it is fresh; returns what check() said before.
  Check accept(std::uint32_t serial);
  // Makes a recorded serial fresh again (its session never started, docs/offline-code.md §6);
  // false when it was not recorded or has left the window. The window does not move.
  bool release(std::uint32_t serial);

  std::optional<std::uint32_t> highest() const { return highest_; }
  bool empty() const { return !highest_; }

  // "replay/1 -" when empty, else "replay/1 H HEX": HEX is 256 hex characters, the 128 bytes of the
  // bitmap; bit b of byte j (b = 0 least significant) is serial H - (8j + b).
  std::string serialise() const;
  static std::optional<ReplayWindow> parse(std::string_view text);

  friend bool operator==(const ReplayWindow& a, const ReplayWindow& b) {
    return a.highest_ == b.highest_ && a.bits_ == b.bits_;
  }

 private:
  static constexpr std::size_t kWords = kWidth / 64;
  bool bit(std::uint32_t offset) const;
  void set_bit(std::uint32_t offset);
  void shift_up(std::uint64_t by);

  std::optional<std::uint32_t> highest_;
  std::array<std::uint64_t, kWords> bits_{};  // offset 0 = highest_, offset i = highest_ - i
};

std::string_view to_string(ReplayWindow::Check check);

}  // namespace ocpp::offline_code
