#include "ocpp/common/json.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>

namespace ocpp {
namespace {

// Hands every SAX event on to the document being built, and stops the parse (RapidJSON reports
// kParseErrorTermination) at the first array or object that would go past the limit: the reader
// recurses once per level, so it must stop before descending, not after.
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(rapidjson::Document& doc, unsigned max_depth) : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  bool exceeded() const { return exceeded_; }

 private:
  bool enter() {
    if (depth_ >= max_depth_) {
      exceeded_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  rapidjson::Document& doc_;
  unsigned max_depth_;
  unsigned depth_ = 0;
  bool exceeded_ = false;
};

template <unsigned Flags, class Stream>
std::optional<JsonParseError> parse_stream(rapidjson::Document& doc, Stream& stream, unsigned max_depth) {
  DepthLimitedHandler handler(doc, max_depth);
  rapidjson::Reader reader;
  rapidjson::ParseResult result;
  // Populate() lets the document take what the reader builds, and clears its stack on failure.
  auto generate = [&](rapidjson::Document&) {
    result = reader.Parse<Flags>(stream, handler);
    return !result.IsError();
  };
  doc.Populate(generate);
  if (!result.IsError()) return std::nullopt;
  JsonParseError e;
  e.too_deep = handler.exceeded();
  e.code = result.Code();
  // The reader has taken the bracket that went too deep when it asks the handler: name that one.
  e.offset = e.too_deep && result.Offset() > 0 ? result.Offset() - 1 : result.Offset();
  e.max_depth = max_depth;
  return e;
}

}  // namespace

std::string to_string(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string JsonParseError::message() const {
  if (too_deep) return "nested deeper than " + std::to_string(max_depth) + " levels";
  return rapidjson::GetParseError_En(code);
}

std::optional<JsonParseError> parse_json(rapidjson::Document& doc, std::string_view text, JsonParseOptions options) {
  rapidjson::MemoryStream memory(text.empty() ? "" : text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
  if (options.validate_encoding) {
    return parse_stream<rapidjson::kParseValidateEncodingFlag>(doc, stream, options.max_depth);
  }
  return parse_stream<rapidjson::kParseDefaultFlags>(doc, stream, options.max_depth);
}

std::optional<JsonParseError> parse_json_insitu(rapidjson::Document& doc, char* text, unsigned max_depth) {
  rapidjson::InsituStringStream stream(text);
  return parse_stream<rapidjson::kParseInsituFlag>(doc, stream, max_depth);
}

}  // namespace ocpp
