#pragma once
// Support types of the typed OCPP messages that tools/codegen/generate_messages.py generates
// from schemas/ (ocpp/v16/messages.hpp, ocpp/v201/messages.hpp).
#include <rapidjson/document.h>

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace ocpp {

namespace messages::detail {
// Unicode characters (code points) in UTF-8 text. JSON Schema `maxLength` counts characters, not
// bytes (draft-07 validation §6.3.1), and OCPP's CiString lengths follow the schemas.
std::size_t count_characters(std::string_view utf8);
[[noreturn]] void throw_too_long(std::size_t limit, std::size_t length);
// <0, 0, >0 like std::string::compare, ignoring ASCII case.
int compare_ignoring_case(std::string_view a, std::string_view b);
}  // namespace messages::detail

// OCPP's case-insensitive string of at most N characters (1.6 §7 Types: CiString20Type,
// CiString25Type...; 2.0.1 part 2 primitive datatypes: string[N], identifiers case-insensitive).
// The limit is enforced on every construction and assignment, so a message that holds one can
// always be sent. Comparisons ignore ASCII case, as the specification says CiStrings compare;
// the text itself is kept as given and serialised unchanged.
template <std::size_t N>
class CiString {
 public:
  static constexpr std::size_t max_length = N;

  CiString() = default;
  // Implicit on purpose, so that `msg.idTag = "04A2B3C4";` reads naturally. Each throws
  // std::length_error naming the limit when `text` has more than N characters.
  CiString(const char* text) : CiString(std::string_view(text)) {}
  CiString(std::string_view text) : CiString(std::string(text)) {}
  CiString(std::string text) : value_(std::move(text)) {
    // A string of at most N bytes has at most N characters: count only when it could be too long.
    if (value_.size() <= N) return;
    const std::size_t length = messages::detail::count_characters(value_);
    if (length > N) messages::detail::throw_too_long(N, length);
  }

  const std::string& str() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const CiString& a, std::string_view b) { return cmp(a.value_, b) == 0; }
  friend bool operator!=(const CiString& a, std::string_view b) { return cmp(a.value_, b) != 0; }
  friend bool operator==(std::string_view a, const CiString& b) { return cmp(a, b.value_) == 0; }
  friend bool operator!=(std::string_view a, const CiString& b) { return cmp(a, b.value_) != 0; }
  friend bool operator<(const CiString& a, std::string_view b) { return cmp(a.value_, b) < 0; }
  friend bool operator<(std::string_view a, const CiString& b) { return cmp(a, b.value_) < 0; }
  friend std::ostream& operator<<(std::ostream& os, const CiString& s) { return os << s.value_; }

 private:
  static int cmp(std::string_view a, std::string_view b) {
    return messages::detail::compare_ignoring_case(a, b);
  }
  std::string value_;
};

// Between CiStrings of any limits (2.0.1 copies an idToken of 36 into fields of other sizes).
// Templates rather than hidden friends so that `ci == "text"` is not ambiguous.
template <std::size_t N, std::size_t M>
bool operator==(const CiString<N>& a, const CiString<M>& b) {
  return messages::detail::compare_ignoring_case(a.str(), b.str()) == 0;
}
template <std::size_t N, std::size_t M>
bool operator!=(const CiString<N>& a, const CiString<M>& b) {
  return !(a == b);
}
template <std::size_t N, std::size_t M>
bool operator<(const CiString<N>& a, const CiString<M>& b) {
  return messages::detail::compare_ignoring_case(a.str(), b.str()) < 0;
}
template <std::size_t N, std::size_t M>
bool operator>(const CiString<N>& a, const CiString<M>& b) {
  return b < a;
}
template <std::size_t N, std::size_t M>
bool operator<=(const CiString<N>& a, const CiString<M>& b) {
  return !(b < a);
}
template <std::size_t N, std::size_t M>
bool operator>=(const CiString<N>& a, const CiString<M>& b) {
  return !(a < b);
}

// A field whose schema gives no type (2.0.1 DataTransfer `data`: "Data without specified length
// or format"): any JSON value, kept as its compact serialised text so that it survives a
// round trip unchanged and can be compared.
class RawJson {
 public:
  RawJson() = default;  // JSON null
  // Throws ocpp::JsonError when `json_text` is not exactly one JSON value. The text is stored
  // re-serialised compactly, so that equal values compare equal whatever their whitespace.
  explicit RawJson(std::string_view json_text);
  static RawJson from_value(const rapidjson::Value& value);
  // Parses the text back into a value allocated with `a`.
  rapidjson::Value to_value(rapidjson::Document::AllocatorType& a) const;
  const std::string& text() const { return text_; }

  friend bool operator==(const RawJson& a, const RawJson& b) { return a.text_ == b.text_; }
  friend bool operator!=(const RawJson& a, const RawJson& b) { return a.text_ != b.text_; }
  friend std::ostream& operator<<(std::ostream& os, const RawJson& r) { return os << r.text_; }

 private:
  std::string text_ = "null";
};

}  // namespace ocpp
