#pragma once
// The Local Authorization List (1.6 §3.5.2; managed by SendLocalList §5.15 and read by
// GetLocalListVersion §5.10; 2.0.1 D01/D02 LocalAuthListCtrlr), kept in the `local_list` and
// `local_list_version` tables. Only the CSMS changes it. Whether it is consulted when an id tag is
// presented (LocalAuthListEnabled) is the Authorizer's business; the list accepts updates either way,
// so a CSMS can load a list before it enables it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/types.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

// 1.6 UpdateType.
enum class LocalListUpdateType { Full, Differential };
std::string_view to_string(LocalListUpdateType t);

// 1.6 UpdateStatus (SendLocalList.conf).
enum class LocalListUpdateStatus { Accepted, Failed, NotSupported, VersionMismatch };
std::string_view to_string(LocalListUpdateStatus s);

// 1.6 AuthorizationData: in a Differential update an entry without idTagInfo removes the id tag.
struct LocalListEntry {
  std::string id_tag;
  std::optional<IdTagInfo> info;
};

struct LocalAuthListOptions {
  // The LocalAuthListManagement feature profile is offered. When false, SendLocalList is answered
  // NotSupported and GetLocalListVersion -1.
  bool supported = true;
  std::size_t max_length = 1000;      // LocalAuthListMaxLength: entries the list may hold
  std::size_t send_max_length = 100;  // SendLocalListMaxLength: entries one SendLocalList may carry
};

class LocalAuthList {
 public:
  // 1.6 §5.10: -1 tells the CSMS the charge point has no local list.
  static constexpr int kNotSupportedVersion = -1;

  // `db` is the charge point's store (Store::db()), whose migrations created the tables.
  explicit LocalAuthList(db::Database& db, LocalAuthListOptions options = {});

  // 1.6 §5.10 GetLocalListVersion: 0 when the list is empty ("reserved to indicate that the local
  // authorization list is empty"), -1 when not supported, else the version of the last update.
  int version();

  // 1.6 §5.15 SendLocalList. All or nothing: a refused update leaves the list and its version as
  // they were. Failed when the request carries more than send_max_length entries, when the list
  // would hold more than max_length, when a Full update has an entry without idTagInfo, when the
  // version is negative, or when the store cannot be written (logged). VersionMismatch when a
  // Differential update's version is not above version().
  LocalListUpdateStatus apply(int list_version, LocalListUpdateType type, const std::vector<LocalListEntry>& entries);

  // The entry, or nullopt. An Accepted entry past its expiryDate reads as Expired (the stored
  // entry is not changed: only the CSMS changes the list).
  std::optional<IdTagInfo> lookup(std::string_view id_tag, SystemTime now);

  std::size_t size();
  const LocalAuthListOptions& options() const { return options_; }

 private:
  db::Database& db_;
  LocalAuthListOptions options_;
};

}  // namespace ocpp::cp
