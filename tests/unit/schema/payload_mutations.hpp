#pragma once
// Systematic mutations of a valid payload, for the differential test of the schema validator:
// each one changes one place of the payload in a way that may or may not violate its schema.
// Places: every value, except that inside an array within an array only the first item is
// visited (the samples' items are alike).
//   every value (but the root): replaced by null, true, 42, 1.5, "x", {}, []
//   every string: one character more (ASCII; two-byte; a truncated UTF-8 sequence), doubled,
//     emptied, lower-cased, replaced by a value outside any enum, by bad and good date-times
//   every number: replaced by values around the schemas' limits (0, 100), beyond 32/64 bits,
//     with and without a fraction, decimal multiples and non-multiples of 0.1
//   every object: each member dropped, an unknown member added (one with "/" and "~" in its
//     name), the first member repeated with a null value
//   every array: emptied, cut to one item, grown by one, to 4, 5 and (small items) 1025 items
#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

namespace ocpp::test {

struct PathStep {
  std::string name;
  rapidjson::SizeType index = 0;
  bool is_index = false;
};

struct Mutation {
  std::string label;            // what it does and where, for failure messages
  std::vector<PathStep> path;   // to the value it changes
  std::function<void(rapidjson::Value& target, rapidjson::Document::AllocatorType& allocator)> change;
};

std::vector<Mutation> mutations_of(const rapidjson::Value& payload);

// Applies `m` to `document`; false when its path does not exist there (an earlier mutation of the
// same document removed or replaced it).
bool apply(const Mutation& m, rapidjson::Document& document);

}  // namespace ocpp::test
