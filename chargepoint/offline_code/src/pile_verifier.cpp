#include "ocpp/cp/offline_code/pile_verifier.hpp"

#include <chrono>
#include <utility>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/replay_window.hpp"

namespace ocpp::cp::offline_code {

namespace oc = ocpp::offline_code;

namespace {

constexpr std::string_view kVerifierLog = "offline-code";
const std::string kLockoutState = "lockout";    // on the elapsed timeline (§8.1)
const std::string kTimeFloor = "time_floor";    // what accepted codes proved (§7)
const std::string kTimeFloorAt = "time_floor_at";
const std::string kSyncFloor = "sync_floor";    // what the newest clock sync said (§7)
const std::string kSyncFloorAt = "sync_floor_at";
const std::string kLastSync = "last_sync";
const std::string kElapsed = "elapsed";         // elapsed time at the last write (§8.1)

// Typed codes are secrets until used: logs and security events show only their last digits.
std::string masked(const std::string& code) {
  const std::size_t shown = code.size() > 4 ? 4 : code.size() / 2;
  return "*" + code.substr(code.size() - shown);
}

SystemTime from_unix(std::int64_t s) { return SystemTime{std::chrono::seconds(s)}; }

// "2026-11-24 14:00 UTC": for a display, without seconds.
std::string short_time(std::int64_t s) {
  std::string t = format_rfc3339(from_unix(s));  // 2026-11-24T14:00:00Z or with fraction
  return t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";
}

CodeVerdict refused(std::string reason) {
  CodeVerdict v;
  v.result = CodeVerdict::Result::Rejected;
  v.info.status = AuthorizationStatus::Invalid;
  v.reason = std::move(reason);
  return v;
}

}  // namespace

PileCodeVerifier::PileCodeVerifier(CodeStore& store, KeyRing& keys, SecurityEvents& events, const Settings& settings,
                                   const Clock& clock, std::string charge_point_id, oc::LockoutPolicy policy,
                                   PileClocks clocks)
    : store_(store),
      keys_(keys),
      events_(events),
      settings_(settings),
      clock_(clock),
      charge_point_id_(std::move(charge_point_id)),
      policy_(policy),
      clocks_(std::move(clocks)),
      boot_started_(boot_now()) {}

std::int64_t PileCodeVerifier::unix_now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
}

std::int64_t PileCodeVerifier::boot_now() const {
  if (clocks_.boot_seconds) return clocks_.boot_seconds();
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.steady_now().time_since_epoch()).count();
}

std::int64_t PileCodeVerifier::elapsed_now() {
  // §8.1: what was persisted before this start, plus the boot clock since the start. The time the
  // pile was off is not counted: locks last longer across a power cut, never shorter, and refills
  // only come with time the pile was running.
  if (!elapsed_base_) elapsed_base_ = std::max<std::int64_t>(0, stored_int(kElapsed).value_or(0));
  return *elapsed_base_ + std::max<std::int64_t>(0, boot_now() - boot_started_);
}

std::int64_t PileCodeVerifier::wall_time_of(std::int64_t elapsed) { return unix_now() + (elapsed - elapsed_now()); }

std::int64_t PileCodeVerifier::time_floor() {
  // §7: the known lower bound, and each stored floor advanced by the elapsed time since it was set.
  const auto e = elapsed_now();
  std::int64_t floor = clocks_.known_floor;
  for (const auto& [value, at] : {std::pair{kTimeFloor, kTimeFloorAt}, std::pair{kSyncFloor, kSyncFloorAt}}) {
    if (const auto f = stored_int(value)) floor = std::max(floor, oc::advanced_floor(*f, stored_int(at).value_or(e), e));
  }
  return floor;
}

std::optional<std::int64_t> PileCodeVerifier::stored_int(const std::string& name) {
  const auto text = store_.value(name);
  if (!text) return std::nullopt;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    log::error(kVerifierLog, "stored " + name + " is damaged (" + *text + "); ignoring it");
    return std::nullopt;
  }
}

oc::Lockout PileCodeVerifier::load_lockout() {
  const auto text = store_.value(kLockoutState);
  if (!text) return oc::Lockout(policy_);
  if (auto parsed = oc::Lockout::parse(*text, policy_)) {
    // §8.1: a state from an older version is on the wall-clock timeline, later than any elapsed
    // time; bringing it to now moves it onto the elapsed one, which is written back at once, or
    // each reading would move it again and its lock would never end.
    const auto elapsed = elapsed_now();
    if (parsed->seen() && *parsed->seen() > elapsed) {
      parsed->budget(elapsed);
      store_.db().transaction([&] {
        store_.put_value(kLockoutState, parsed->serialise());
        store_.put_value(kElapsed, std::to_string(elapsed));
      });
    }
    return *parsed;
  }
  // Damaged outside the program: start over with an empty budget, which errs on the side of
  // refusing (docs/offline-code.md §8.1), rather than with a full one.
  log::error(kVerifierLog, "the stored lockout state is damaged; code entry stays locked until the next refill");
  oc::Lockout lockout(policy_);
  const auto now = elapsed_now();
  for (unsigned i = 0; i < policy_.pile_budget; ++i) lockout.record_failure(0, now);
  // Written back, so the refill comes an hour from now and not an hour from every later reading.
  store_.put_value(kLockoutState, lockout.serialise());
  return lockout;
}

oc::ClockFacts PileCodeVerifier::clock_facts() {
  oc::ClockFacts facts;
  facts.rtc_now = unix_now();
  if (auto s = stored_int(kLastSync)) facts.last_sync = *s;
  if (last_sync_seen_) facts.last_sync = std::max(facts.last_sync.value_or(0), *last_sync_seen_);
  // §7: a system clock the kernel reports synchronised (NTP) is synced now.
  if (clocks_.kernel_synchronised && clocks_.kernel_synchronised()) facts.last_sync = facts.rtc_now;
  facts.rtc_valid = !clocks_.rtc_valid || clocks_.rtc_valid();
  facts.time_floor = time_floor();
  return facts;
}

oc::ClockView PileCodeVerifier::clock_view() { return oc::assess_clock(clock_facts()); }

void PileCodeVerifier::clock_synced() {
  const auto now = unix_now();
  last_sync_seen_ = now;
  try {
    // §7: at most once an hour, to spare the flash.
    const auto stored_sync = stored_int(kLastSync);
    if (stored_sync && now >= *stored_sync && now - *stored_sync < oc::kHour) return;
    const auto e = elapsed_now();
    // §7: the newest sync sets the sync floor, at most kMaxSyncRaise above the floor the pile had.
    const auto sync_floor = oc::sync_floor_after_sync(time_floor(), now);
    store_.db().transaction([&] {
      store_.put_value(kLastSync, std::to_string(now));
      store_.put_value(kSyncFloor, std::to_string(sync_floor));
      store_.put_value(kSyncFloorAt, std::to_string(e));
      store_.put_value(kElapsed, std::to_string(e));
    });
  } catch (const std::exception& e) {
    log::error(kVerifierLog, std::string("cannot record the clock sync: ") + e.what());
  }
}

oc::Verdict PileCodeVerifier::verify_code(ConnectorId connector, const std::string& code,
                                          const std::vector<oc::PileKey>& keys) {
  const auto facts = clock_facts();
  const auto view = oc::assess_clock(facts);
  const auto on = static_cast<unsigned>(connector);
  if (view.trusted) return oc::verify(code, keys, charge_point_id_, on, view.now, true, view.tolerance);
  // §7: untrusted, the expiry is rebuilt from the floor and then from the clock's reading, unless
  // the RTC is known to have lost its time (its reading says nothing then).
  const auto reading = facts.rtc_valid ? std::optional<std::int64_t>(facts.rtc_now) : std::nullopt;
  return oc::verify_untrusted(code, keys, charge_point_id_, on, view.now, reading, view.tolerance);
}

void PileCodeVerifier::authorize_code(ConnectorId connector, const std::string& code, bool online,
                                      std::function<void(CodeVerdict)> done) {
  CodeVerdict verdict;
  try {
    verdict = decide(connector, code);
  } catch (const std::exception& e) {
    // Never accept what could not be recorded: a code used without its serial on disk could be
    // used again (principle 4).
    log::error(kVerifierLog, "connector " + std::to_string(connector) + ": code " + masked(code) +
                         " not evaluated, the store failed: " + e.what());
    verdict = refused("The charge point cannot record the code (storage error)");
  }
  if (verdict.result != CodeVerdict::Result::NotACode) {
    log::info(kVerifierLog, "connector " + std::to_string(connector) + ": code " + masked(code) + " " +
                        (verdict.result == CodeVerdict::Result::Accepted ? "accepted" : "refused: " + verdict.reason) +
                        (online ? " (the CSMS did not answer)" : " (offline)"));
  }
  done(std::move(verdict));
}

CodeVerdict PileCodeVerifier::decide(ConnectorId connector, const std::string& code) {
  if (!settings_.get_bool("offline_code_enabled")) {
    CodeVerdict v;  // NotACode: the pile behaves as one without offline codes
    return v;
  }
  const auto keys = keys_.usable();
  if (keys.empty()) return refused("Offline codes are not set up on this charge point yet");
  // §8.1: the lockout follows elapsed time, never the wall clock, which can be set.
  const auto elapsed = elapsed_now();
  auto lockout = load_lockout();
  const auto gate = lockout.gate(static_cast<unsigned>(connector), elapsed);
  if (!gate.open()) {
    // §8.1: while locked, nothing is evaluated, so nothing can be guessed.
    return refused("Code entry is locked after wrong codes: try again after " + short_time(wall_time_of(gate.until)));
  }
  // §7: a system clock the kernel keeps synchronised is a sync (its record is rate-limited).
  if (clocks_.kernel_synchronised && clocks_.kernel_synchronised()) clock_synced();
  const auto verdict = verify_code(connector, code, keys);
  switch (verdict.status) {
    case oc::Status::Accepted: return accept(connector, *verdict.fields, elapsed);
    case oc::Status::BadMac: return refuse_failure(connector, elapsed, masked(code));
    case oc::Status::Malformed: return refused("Not a code: a code has 16 digits");
    case oc::Status::Typo: return refused("Typing error: check the digits and enter the code again");
    case oc::Status::UnknownKeyVersion: return refused("This code was made for another key of this charge point: ask for a new code");
    case oc::Status::WrongConnector:
      return refused("This code is for connector " + std::to_string(verdict.fields->connector));
    case oc::Status::NotYetValid: return refused("This code is not valid yet (is the charge point's clock right?)");
    case oc::Status::Expired: return refused("This code expired at " + short_time(oc::expires_at(*verdict.fields)));
  }
  return refused("This code cannot be used");
}

CodeVerdict PileCodeVerifier::accept(ConnectorId connector, const oc::Fields& fields, std::int64_t elapsed) {
  auto window = store_.window(fields.key_version);
  const auto check = window.check(fields.serial);
  if (check != oc::ReplayWindow::Check::Fresh) {
    // §6: single use, across any number of reboots. A genuine code typed twice is worth telling
    // the CSMS about: someone may be replaying a code seen over a shoulder.
    const std::string what = "serial " + std::to_string(fields.serial) + " of key version " +
                             std::to_string(fields.key_version) + " on connector " + std::to_string(connector) +
                             (check == oc::ReplayWindow::Check::Used ? " was already used" : " is below the replay window");
    events_.push(kReplayEvent, what, from_unix(unix_now()));
    return refused(check == oc::ReplayWindow::Check::Used ? "This code has already been used"
                                                          : "This code is no longer valid (newer codes replaced it)");
  }
  auto lockout = load_lockout();
  lockout.record_success(static_cast<unsigned>(connector), elapsed);
  // §7: the code was issued no earlier than its expiry less 169 h; the floor of what codes proved
  // is kept apart from what syncs said, so that no later sync can lower it.
  const auto proved = stored_int(kTimeFloor);
  const auto base = std::max(clocks_.known_floor,
                             proved ? oc::advanced_floor(*proved, stored_int(kTimeFloorAt).value_or(elapsed), elapsed) : 0);
  const auto floor = oc::floor_after_accept(base, fields);
  window.accept(fields.serial);
  // Principle 4: the serial is used up on disk before the driver is told yes, so before the
  // contactor closes; a power cut after this point cannot make the code usable again.
  store_.db().transaction([&] {
    store_.put_window(fields.key_version, window);
    store_.put_value(kLockoutState, lockout.serialise());
    store_.put_value(kTimeFloor, std::to_string(floor));
    store_.put_value(kTimeFloorAt, std::to_string(elapsed));
    store_.put_value(kElapsed, std::to_string(elapsed));
  });
  CodeVerdict v;
  v.result = CodeVerdict::Result::Accepted;
  v.info.status = AuthorizationStatus::Accepted;
  v.info.expiry = from_unix(oc::expires_at(fields));
  if (auto cap = oc::energy_cap_wh(fields.cap_step)) v.energy_cap_wh = static_cast<double>(*cap);
  return v;
}

CodeVerdict PileCodeVerifier::refuse_failure(ConnectorId connector, std::int64_t elapsed, const std::string& code) {
  auto lockout = load_lockout();
  const auto outcome = lockout.record_failure(static_cast<unsigned>(connector), elapsed);
  // §8.1: the failure is durable before the verdict is shown, so that restarting the pile does not
  // give the budget back; so is the elapsed time it is counted on.
  store_.db().transaction([&] {
    store_.put_value(kLockoutState, lockout.serialise());
    store_.put_value(kElapsed, std::to_string(elapsed));
  });
  const auto now = unix_now();
  if (outcome.pile_locked) {
    events_.push(kLockoutEvent,
                 "all connectors locked until " + format_rfc3339(from_unix(wall_time_of(outcome.pile_until))) +
                     ": the pile's budget of wrong codes is spent (last on connector " + std::to_string(connector) +
                     ", code " + code + ")",
                 from_unix(now));
  } else if (outcome.connector_locked) {
    events_.push(kLockoutEvent,
                 "connector " + std::to_string(connector) + " locked until " +
                     format_rfc3339(from_unix(wall_time_of(outcome.connector_until))) + " after " +
                     std::to_string(outcome.connector_failures) + " wrong codes in a row (last " + code + ")",
                 from_unix(now));
  }
  return refused("Wrong code: not valid for this charge point");
}

void PileCodeVerifier::used_online(ConnectorId connector, const std::string& code) {
  try {
    if (!settings_.get_bool("offline_code_enabled")) return;
    const auto keys = keys_.usable();
    if (keys.empty()) return;
    const auto verdict = verify_code(connector, code, keys);
    // Only a code of this pile (its MAC matched) has a serial to use up; the CSMS may accept other
    // things typed on the keypad.
    if (!verdict.fields) return;
    auto window = store_.window(verdict.fields->key_version);
    if (window.accept(verdict.fields->serial) != oc::ReplayWindow::Check::Fresh) return;
    store_.put_window(verdict.fields->key_version, window);
    log::info(kVerifierLog, "connector " + std::to_string(connector) + ": code " + masked(code) +
                        " accepted by the CSMS; its serial is used up here too");
  } catch (const std::exception& e) {
    log::error(kVerifierLog, std::string("cannot record a code used online: ") + e.what());
  }
}

void PileCodeVerifier::release_unused(ConnectorId connector, const std::string& code) {
  try {
    const auto keys = keys_.usable();
    if (keys.empty()) return;
    const auto verdict = verify_code(connector, code, keys);
    if (!verdict.fields) return;
    auto window = store_.window(verdict.fields->key_version);
    if (!window.release(verdict.fields->serial)) return;
    store_.put_window(verdict.fields->key_version, window);
    log::info(kVerifierLog, "connector " + std::to_string(connector) + ": code " + masked(code) +
                        " started no session; it may be used again until it expires");
  } catch (const std::exception& e) {
    // Left used: the driver asks the server for a new code; a replay is never made possible.
    log::error(kVerifierLog, std::string("cannot free a code that started no session: ") + e.what());
  }
}

}  // namespace ocpp::cp::offline_code
