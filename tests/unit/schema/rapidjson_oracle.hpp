#pragma once
// The oracle of the differential test: what the schema block answered before it had its own
// validator. RapidJSON 1.1.0's generic SchemaValidator on the verbatim schema files of schemas/
// (with `multipleOf` taken out, because RapidJSON refuses decimal multiples such as 0.3 of 0.1),
// followed, when RapidJSON accepts, by the second pass the block has always run: `format:
// date-time` as RFC 3339 and `multipleOf` with ocpp-rpc's tolerance. Written independently of the
// block's code so that the two can disagree.
#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "ocpp/schema/validator.hpp"

namespace ocpp::test {

struct OracleVerdict {
  bool valid = true;
  std::string keyword;  // the JSON Schema keyword that failed ("format" for date-time)
  std::string pointer;  // RFC 6901 pointer of the value it failed on
};

class RapidJsonOracle {
 public:
  // `schema_file`: one of schemas/ (a JSON array of schemas with "$id": "urn:<Action>.req|conf").
  explicit RapidJsonOracle(const std::string& schema_file);

  bool has_schema(std::string_view action, MessageKind kind) const;
  OracleVerdict check(std::string_view action, MessageKind kind, const rapidjson::Value& payload) const;

  // The keywords whose failure the oracle can report for schemas of `kind` (those the schemas use,
  // "format" only for date-time), for checking the differential test's coverage.
  std::set<std::string> keywords(MessageKind kind) const;

 private:
  struct Entry {
    std::unique_ptr<rapidjson::Document> source;  // verbatim, for the second pass
    std::unique_ptr<rapidjson::Document> stripped;  // without multipleOf, for RapidJSON
    std::unique_ptr<rapidjson::SchemaDocument> schema;
  };
  std::map<std::pair<std::string, MessageKind>, Entry> entries_;
};

}  // namespace ocpp::test
