#include "ocpp/messages/serialize.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ocpp::messages::detail {

void parse_document(std::string_view json, rapidjson::Document& doc) {
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    throw JsonError("invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                    rapidjson::GetParseError_En(doc.GetParseError()));
  }
}

std::string write_compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  // The writer refuses NaN and infinity (RFC 8259 §6 has no representation for them).
  if (!v.Accept(writer)) throw JsonError("cannot serialise: a number is NaN or infinite");
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace ocpp::messages::detail
