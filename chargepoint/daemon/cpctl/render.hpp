#pragma once
// Human-readable text for the charge point's answers (without --json).
#include <rapidjson/document.h>

#include <string>

namespace ocpp::cpctl {

// For `status`: registration, connected, outbox, then one line per connector with its transaction.
std::string render_status(const rapidjson::Value& answer);
// For the other commands: "ok", then any fields of the answer as "name: value" lines.
std::string render_ok(const rapidjson::Value& answer);

}  // namespace ocpp::cpctl
