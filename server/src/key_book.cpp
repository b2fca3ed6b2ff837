// The key book (docs/offline-code.md §6).
#include "ocpp/server/key_book.hpp"

#include <algorithm>

#include "ocpp/common/datetime.hpp"

namespace ocpp::server {
namespace {

std::string v(std::uint32_t version) { return std::to_string(version); }

}  // namespace

KeyState KeyBook::state(const std::string& cp) { return read_state(cp, false); }

KeyState KeyBook::read_state(const std::string& cp, bool for_update) {
  // for_update: inside a transaction that writes the pile's key row or allocates under it. On
  // PostgreSQL the row lock makes a rotation and an issuance for one pile wait for each other (§6:
  // no serial is issued under a version that is being replaced) instead of one being aborted.
  auto st = db_.prepare(
      std::string("SELECT current_version, confirmed_version, reported_version, supported, status FROM offline_code_keys "
                  "WHERE charge_point_id=?1") +
      std::string(for_update ? db_.for_update() : ""));
  st.bind(1, cp);
  KeyState s;
  if (!st.step()) return s;
  s.current_version = static_cast<std::uint32_t>(st.int64(0));
  s.confirmed_version = static_cast<std::uint32_t>(st.int64(1));
  if (auto r = st.optional_int64(2)) s.reported_version = static_cast<std::uint32_t>(*r);
  if (auto r = st.optional_int64(3)) s.supported = *r != 0;
  s.status = st.text(4);
  return s;
}

void KeyBook::save(const std::string& cp, const KeyState& s) {
  db_.prepare(R"sql(
INSERT INTO offline_code_keys(charge_point_id, current_version, confirmed_version, reported_version, supported,
                              status, updated_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT(charge_point_id) DO UPDATE SET current_version=?2, confirmed_version=?3, reported_version=?4,
  supported=?5, status=?6, updated_at=?7)sql")
      .bind(1, cp)
      .bind(2, static_cast<std::int64_t>(s.current_version))
      .bind(3, static_cast<std::int64_t>(s.confirmed_version))
      .bind(4, s.reported_version ? std::optional<std::int64_t>(*s.reported_version) : std::nullopt)
      .bind(5, s.supported ? std::optional<std::int64_t>(*s.supported ? 1 : 0) : std::nullopt)
      .bind(6, s.status)
      .bind(7, format_rfc3339(clock_.system_now()))
      .run();
}

KeyDecision KeyBook::on_reported_version(const std::string& cp, std::uint32_t reported) {
  KeyDecision d;
  db_.transaction([&] {
    KeyState s = read_state(cp, true);
    s.reported_version = reported;
    s.supported = true;
    if (reported > s.current_version) {
      // The pile holds a version this server does not remember issuing: its serials may have been
      // used, so neither it nor any lower version can be issued under again.
      d.reason = "the pile holds key version " + v(reported) + ", newer than the server's " + v(s.current_version) +
                 " (the server's records were lost?): moving to version " + v(reported + 1);
      s.current_version = reported + 1;
      s.confirmed_version = 0;
    } else if (reported == s.current_version) {
      d.reason = "the pile holds the current key version " + v(reported);
      s.confirmed_version = reported;
    } else if (reported < s.confirmed_version) {
      // A pile that lost its keys also lost its replay windows: serials of the old versions would be
      // accepted again, so it gets a version above every one it held.
      const std::uint32_t next = std::max(s.current_version, s.confirmed_version + 1);
      d.reason = "the pile holds key version " + v(reported) + " although it had confirmed " +
                 v(s.confirmed_version) + " (replaced or reset?): rotating to version " + v(next);
      s.current_version = next;
      s.confirmed_version = 0;
    } else {
      // confirmed <= reported < current: a rotation is pending. A version the pile holds that this
      // server made (an earlier answer may have been lost) is usable meanwhile.
      if (reported >= 1) s.confirmed_version = reported;
      d.reason = reported == 0 ? "the pile holds no key yet"
                               : "the pile holds key version " + v(reported) + ", older than the current " +
                                     v(s.current_version);
    }
    d.provision = s.confirmed_version != s.current_version;
    d.version = d.provision ? s.current_version : s.confirmed_version;
    s.status = d.provision ? "provisioning version " + v(d.version) : "confirmed version " + v(d.version);
    save(cp, s);
  });
  return d;
}

void KeyBook::on_unsupported(const std::string& cp, const std::string& why) {
  db_.transaction([&] {
    KeyState s = read_state(cp, true);
    s.supported = false;
    s.reported_version.reset();
    s.status = why;
    save(cp, s);
  });
}

void KeyBook::on_accepted(const std::string& cp, std::uint32_t version) {
  db_.transaction([&] {
    KeyState s = read_state(cp, true);
    // A late answer for a version that a newer decision has superseded does not move anything back.
    if (version > s.confirmed_version && version <= s.current_version) s.confirmed_version = version;
    s.reported_version = std::max(s.reported_version.value_or(0), version);
    s.status = "confirmed version " + v(s.confirmed_version);
    save(cp, s);
  });
}

void KeyBook::set_status(const std::string& cp, const std::string& status) {
  db_.transaction([&] {
    KeyState s = read_state(cp, true);
    s.status = status;
    save(cp, s);
  });
}

unsigned KeyBook::issued_count(const std::string& cp, std::uint32_t version) {
  auto st = db_.prepare("SELECT next_serial FROM offline_code_serials WHERE charge_point_id=?1 AND key_version=?2");
  st.bind(1, cp).bind(2, static_cast<std::int64_t>(version));
  return st.step() ? static_cast<unsigned>(st.int64(0)) : 0;
}

std::variant<SerialAllocation, SerialRefusal> KeyBook::allocate_serial(const std::string& cp) {
  std::variant<SerialAllocation, SerialRefusal> out = SerialRefusal::NoKey;
  db_.transaction([&] {
    KeyState s = read_state(cp, true);
    if (s.confirmed_version == 0) return;
    // §6: one atomic statement takes the next serial, so that two instances of the server (one
    // PostgreSQL database) never hand out the same one; it takes none once all 4096 are issued.
    auto take = db_.prepare(R"sql(
INSERT INTO offline_code_serials(charge_point_id, key_version, next_serial) VALUES(?1, ?2, 1)
ON CONFLICT(charge_point_id, key_version) DO UPDATE SET next_serial=offline_code_serials.next_serial+1
  WHERE offline_code_serials.next_serial<?3
RETURNING next_serial-1)sql");
    take.bind(1, cp).bind(2, static_cast<std::int64_t>(s.confirmed_version))
        .bind(3, static_cast<std::int64_t>(kSerialsPerVersion));
    if (!take.step()) {
      out = SerialRefusal::Exhausted;
      return;
    }
    const auto next = static_cast<unsigned>(take.int64(0));
    take.reset();
    SerialAllocation a;
    a.key_version = s.confirmed_version;
    a.serial = static_cast<std::uint16_t>(next);
    // §6: rotate once 3072 serials of a version are issued; the rest of the version bridges the
    // time until the pile takes the next key.
    if (next + 1 >= kRotateAfter && s.current_version == s.confirmed_version) {
      s.current_version = s.confirmed_version + 1;
      s.status = v(kRotateAfter) + " serials of version " + v(s.confirmed_version) + " issued: rotating to version " +
                 v(s.current_version);
      save(cp, s);
      a.rotation_due = true;
    }
    out = a;
  });
  return out;
}

}  // namespace ocpp::server
