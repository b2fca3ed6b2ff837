#include "ocpp/messages/serialize.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ocpp::messages::detail {

void parse_document(std::string_view json, rapidjson::Document& doc) {
  // Nesting is bounded before the document is built (json.hpp): ocpp::parse<T> of some hundred
  // kilobytes of "[" overflowed the stack (found by the messages_v16 fuzz target;
  // tests/fuzz/regressions/messages_v16/).
  if (const auto error = parse_json(doc, json)) {
    throw JsonError("invalid JSON at offset " + std::to_string(error->offset) + ": " + error->message());
  }
}

std::string write_compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  // The writer refuses NaN and infinity (RFC 8259 §6 has no representation for them).
  if (!v.Accept(writer)) throw JsonError("cannot serialise: a number is NaN or infinite");
  return {buffer.GetString(), buffer.GetSize()};
}

bool same_json(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsObject() && b.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto m = a.MemberBegin(); m != a.MemberEnd(); ++m) {
      // The k-th member of this name in `a` against the k-th member of this name in `b`.
      std::size_t k = 0;
      for (auto earlier = a.MemberBegin(); earlier != m; ++earlier) k += earlier->name == m->name ? 1 : 0;
      auto match = b.MemberBegin();
      for (; match != b.MemberEnd(); ++match) {
        if (match->name != m->name) continue;
        if (k == 0) break;
        --k;
      }
      if (match == b.MemberEnd() || !same_json(m->value, match->value)) return false;
    }
    return true;
  }
  if (a.IsArray() && b.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!same_json(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace ocpp::messages::detail
