#include <string>

#include "auth_rows.hpp"
#include "ocpp/cp/auth_id_tag.hpp"
#include "ocpp/cp/local_auth_list.hpp"

namespace ocpp::cp {
namespace {

// Thrown inside the update's SQLite transaction to roll it back when the result would be too long.
struct ListTooLong {
  std::size_t length;
};

void insert_entry(db::Database& db, const std::string& id_tag, const IdTagInfo& info) {
  // Id tags are CiString20Type: an entry replaces any entry for the same tag in another case.
  db.prepare("DELETE FROM local_list WHERE id_tag = ?1 COLLATE NOCASE").bind(1, id_tag).run();
  db.prepare("INSERT INTO local_list(id_tag, status, expiry, parent_id_tag) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, id_tag)
      .bind(2, to_string(info.status))
      .bind(3, auth_rows::expiry_text(info.expiry))
      .bind(4, info.parent_id_tag)
      .run();
}

}  // namespace

std::string_view to_string(LocalListUpdateType t) {
  return t == LocalListUpdateType::Full ? "Full" : "Differential";
}

std::string_view to_string(LocalListUpdateStatus s) {
  switch (s) {
    case LocalListUpdateStatus::Accepted: return "Accepted";
    case LocalListUpdateStatus::Failed: return "Failed";
    case LocalListUpdateStatus::NotSupported: return "NotSupported";
    case LocalListUpdateStatus::VersionMismatch: return "VersionMismatch";
  }
  return "?";
}

LocalAuthList::LocalAuthList(db::Database& db, LocalAuthListOptions options) : db_(db), options_(options) {}

int LocalAuthList::version() {
  if (!options_.supported) return kNotSupportedVersion;
  // 1.6 §5.10: version 0 is reserved for an empty list, whatever the last update said.
  if (size() == 0) return 0;
  auto row = db_.prepare("SELECT version FROM local_list_version WHERE id = 1");
  return row.step() ? static_cast<int>(row.int64(0)) : 0;
}

LocalListUpdateStatus LocalAuthList::apply(int list_version, LocalListUpdateType type,
                                           const std::vector<LocalListEntry>& entries) {
  const std::string what = "SendLocalList " + std::string(to_string(type)) + " version " +
                           std::to_string(list_version) + " (" + std::to_string(entries.size()) + " entries)";
  auto refuse = [&](LocalListUpdateStatus status, const std::string& why) {
    log::warn("auth", what + ": " + std::string(to_string(status)) + ": " + why);
    return status;
  };

  if (!options_.supported) return refuse(LocalListUpdateStatus::NotSupported, "no local list on this charge point");
  // SendLocalListMaxLength: the most identifications one request may carry.
  if (entries.size() > options_.send_max_length) {
    return refuse(LocalListUpdateStatus::Failed,
                  "more than SendLocalListMaxLength (" + std::to_string(options_.send_max_length) + ")");
  }
  // -1 is the reserved "not supported" answer of GetLocalListVersion; no list can carry it.
  if (list_version < 0) return refuse(LocalListUpdateStatus::Failed, "negative list version");

  try {
    if (type == LocalListUpdateType::Differential) {
      // 1.6 UpdateStatus.VersionMismatch: a differential update whose version is less than or
      // equal to the version of the current list.
      const int current = version();
      if (list_version <= current) {
        return refuse(LocalListUpdateStatus::VersionMismatch, "current version is " + std::to_string(current));
      }
    } else {
      // 1.6 AuthorizationData.idTagInfo: required when the update type is Full.
      for (const auto& e : entries) {
        if (!e.info) return refuse(LocalListUpdateStatus::Failed, "entry " + e.id_tag + " without idTagInfo");
      }
    }

    db_.transaction([&] {
      // 1.6 §5.15: a Full update replaces the whole list.
      if (type == LocalListUpdateType::Full) db_.exec("DELETE FROM local_list");
      for (const auto& e : entries) {
        if (e.info) {
          insert_entry(db_, e.id_tag, *e.info);
        } else {
          // 1.6 AuthorizationData: in a Differential update, no idTagInfo deletes the entry.
          db_.prepare("DELETE FROM local_list WHERE id_tag = ?1 COLLATE NOCASE").bind(1, e.id_tag).run();
        }
      }
      // LocalAuthListMaxLength: counted after the update, so that a differential update that
      // removes as many as it adds is fine on a full list.
      const std::size_t length = size();
      if (length > options_.max_length) throw ListTooLong{length};
      db_.prepare("INSERT OR REPLACE INTO local_list_version(id, version) VALUES (1, ?1)")
          .bind(1, list_version)
          .run();
    });
  } catch (const ListTooLong& too_long) {
    return refuse(LocalListUpdateStatus::Failed, "the list would hold " + std::to_string(too_long.length) +
                                                     " entries, more than LocalAuthListMaxLength (" +
                                                     std::to_string(options_.max_length) + ")");
  } catch (const db::DbError& e) {
    return refuse(LocalListUpdateStatus::Failed, std::string("store: ") + e.what());
  }
  log::info("auth", what + ": Accepted, " + std::to_string(size()) + " entries now");
  return LocalListUpdateStatus::Accepted;
}

std::optional<IdTagInfo> LocalAuthList::lookup(std::string_view id_tag, SystemTime now) {
  auto row = db_.prepare("SELECT status, expiry, parent_id_tag FROM local_list WHERE id_tag = ?1 COLLATE NOCASE");
  row.bind(1, id_tag);
  if (!row.step()) return std::nullopt;
  return as_of(auth_rows::read_info(row, 0, "local_list"), now);
}

std::size_t LocalAuthList::size() {
  auto count = db_.prepare("SELECT COUNT(*) FROM local_list");
  count.step();
  return static_cast<std::size_t>(count.int64(0));
}

}  // namespace ocpp::cp
