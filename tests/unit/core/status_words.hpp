#pragma once
// The core's one-word summary of a connector's state (types.hpp summary(): the word a driver and
// `ocpp-cpctl status` see) as an enum, so that tests can write expected sequences and gtest can
// print them. Test-only: the core itself has no such enum, only ConnectorState.
#include <array>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

enum class Word { Available, Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing, Reserved, Unavailable, Faulted };

inline constexpr std::array<std::pair<Word, std::string_view>, 9> kWords{{
    {Word::Available, "Available"},
    {Word::Preparing, "Preparing"},
    {Word::Charging, "Charging"},
    {Word::SuspendedEV, "SuspendedEV"},
    {Word::SuspendedEVSE, "SuspendedEVSE"},
    {Word::Finishing, "Finishing"},
    {Word::Reserved, "Reserved"},
    {Word::Unavailable, "Unavailable"},
    {Word::Faulted, "Faulted"},
}};

inline std::string_view to_string(Word w) {
  for (const auto& [word, name] : kWords) {
    if (word == w) return name;
  }
  return "?";
}

inline Word word_of(const ConnectorState& s) {
  const std::string_view text = summary(s);
  for (const auto& [word, name] : kWords) {
    if (name == text) return word;
  }
  throw std::logic_error("summary() said " + std::string(text) + ", which is no word");
}

inline void PrintTo(Word w, std::ostream* os) { *os << to_string(w); }
inline void PrintTo(const ConnectorState& s, std::ostream* os) { *os << describe(s); }

}  // namespace ocpp::cp
