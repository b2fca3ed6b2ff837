#pragma once
// Every code the server issued (docs/offline-code.md §9): to whom, for which pile and connector,
// under which key version and serial, until when, with which cap, and the transaction that used it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/db/sql.hpp"

namespace ocpp::server {

struct IssuedCodeRecord {
  std::int64_t id = 0;
  std::string code;  // the 16 digits, as the pile reports them
  std::string charge_point_id;
  int connector_id = 0;  // 0: any connector
  std::uint32_t key_version = 0;
  std::uint16_t serial = 0;
  std::string user;
  std::string issued_at;  // RFC 3339
  std::int64_t issued_unix = 0;
  std::string expires_at;  // RFC 3339
  std::int64_t expires_unix = 0;
  std::optional<std::int64_t> energy_cap_wh;
  std::optional<std::string> transaction_id;  // the transaction that used the code (single use)
  std::optional<std::string> used_at;
};

class CodeBook {
 public:
  explicit CodeBook(db::SqlConnection& db) : db_(db) {}

  // Records a code; returns its id.
  std::int64_t insert(const IssuedCodeRecord& record);
  // The code issued for this pile with exactly this text.
  std::optional<IssuedCodeRecord> find(const std::string& charge_point_id, const std::string& code);
  // Codes with this text issued for any other pile.
  std::vector<IssuedCodeRecord> find_for_other_piles(const std::string& code, const std::string& charge_point_id);
  // Issue times (Unix seconds) of the user's codes issued after `after_unix`: the rate limit's input.
  std::vector<std::int64_t> issue_times_after(const std::string& user, std::int64_t after_unix);
  // Binds the code to the transaction that uses it. False when it is already bound to another one.
  bool bind_transaction(std::int64_t id, const std::string& transaction_id, const std::string& used_at);
  // The user's codes, newest first.
  std::vector<IssuedCodeRecord> of_user(const std::string& user);

 private:
  std::vector<IssuedCodeRecord> query(const std::string& where, const std::vector<std::string>& args);

  db::SqlConnection& db_;
};

}  // namespace ocpp::server
