#pragma once
// The charge point's configuration: a typed, validated, persisted registry of settings with
// version-neutral names (snake_case). The 1.6 adapter maps its configuration keys onto them
// (v16/config_keys.hpp); the 2.0.1 adapter will map its device-model variables the same way.
//
// Where a value comes from, highest first:
//   1. a value set at run time through set() (over OCPP): persisted in table `settings`, so it
//      wins across restarts;
//   2. an initial value from the configuration file (`ocpp_config`), given through set_initial()
//      at start: never persisted, so editing the file changes a setting nobody has set over OCPP;
//   3. the built-in default of the SettingSpec.
// Values are strings, as OCPP carries them, stored in a canonical spelling ("true", "300",
// "Voltage,SoC").
//
// All calls are made from the event loop thread (DESIGN.md principle 2); there is no locking.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocpp/db/database.hpp"

namespace ocpp::cp {

enum class SettingType { Bool, Integer, String, List };

// 1.6 ChangeConfiguration.conf status; 2.0.1 SetVariableStatusEnumType has the same four meanings
// (NotSupported there is UnknownVariable).
enum class SetResult { Accepted, Rejected, RebootRequired, NotSupported };
std::string_view to_string(SetResult r);

struct SettingSpec {
  std::string name;           // neutral, snake_case; the primary key in table `settings`
  SettingType type = SettingType::String;
  std::string default_value;  // in canonical spelling; must pass the spec's own validation
  bool reboot_required = false;  // a change is stored but only takes effect after a restart
  bool secret = false;        // never logged, never reported (write-only keys, keys and passwords)
  // Integer
  std::int64_t min = std::numeric_limits<std::int32_t>::min();
  std::int64_t max = std::numeric_limits<std::int32_t>::max();
  // String: longest value. List: most items.
  std::size_t max_length = 500;
  std::size_t max_items = 1;
  // List: the members allowed (compared case-insensitively, stored as spelt here); empty = any.
  std::vector<std::string> allowed;
  // Extra check of a string value or of each list item: a reason when it is wrong.
  std::function<std::optional<std::string>(std::string_view)> check;
  std::string description;    // what it does, with its unit; for docs and device-model reports

  // Builders: SettingSpec::integer("heartbeat_interval_s", 86400, 0, kMax, "...").needs_reboot()
  static SettingSpec boolean(std::string id, bool dflt, std::string what);
  static SettingSpec integer(std::string id, std::int64_t dflt, std::int64_t lo, std::int64_t hi,
                             std::string what);
  static SettingSpec string(std::string id, std::string dflt, std::size_t longest, std::string what);
  static SettingSpec list(std::string id, std::string dflt, std::vector<std::string> members,
                          std::size_t most, std::string what);
  SettingSpec&& needs_reboot() && { reboot_required = true; return std::move(*this); }
  SettingSpec&& hidden() && { secret = true; return std::move(*this); }
  SettingSpec&& checked(std::function<std::optional<std::string>(std::string_view)> fn) && {
    check = std::move(fn);
    return std::move(*this);
  }
};

class Settings {
 public:
  using Observer = std::function<void(std::string_view name, const std::string& value)>;

  // Loads the persisted values. A stored row whose name is unknown (a setting a later or earlier
  // version had) is kept and ignored; one whose value no longer validates is ignored with a warning,
  // so the default applies. Throws std::invalid_argument for a spec that is wrong (duplicate name,
  // default that does not validate): a programming error.
  Settings(db::Database& db, std::vector<SettingSpec> specs);

  bool has(std::string_view name) const;
  const SettingSpec* spec(std::string_view name) const;
  const std::vector<SettingSpec>& specs() const { return specs_; }

  // Current value. Unknown names, or the wrong getter for the type, throw std::out_of_range /
  // std::logic_error: the caller has a bug, not the CSMS.
  const std::string& get(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  std::int64_t get_int(std::string_view name) const;
  std::vector<std::string> get_list(std::string_view name) const;
  // True when the value was set at run time (persisted) rather than coming from the file or default.
  bool is_persisted(std::string_view name) const;

  // Checks a value against the spec without changing anything: nullopt when valid, else the
  // reason ("below the minimum 0", "'yes' is not a boolean (true or false)"). Unknown name: reason.
  std::optional<std::string> validate(std::string_view name, std::string_view value) const;

  // A change at run time (1.6 ChangeConfiguration, 2.0.1 SetVariables): validates, persists (one
  // SQLite statement, durable when it returns), updates the value, then notifies the observers.
  // Setting the current value again is Accepted and notifies nobody. NotSupported for an unknown
  // name, Rejected for an invalid value or a storage failure (with the reason in *why and in the
  // log), RebootRequired when the spec says so (the new value is stored and get() returns it; the
  // blocks that read it do so at start only).
  SetResult set(std::string_view name, std::string_view value, std::string* why = nullptr);

  // An initial value from the configuration file, at start: validated like set(), used unless a
  // value was set at run time (which wins), never persisted, observers not told. Returns the
  // reason when invalid or unknown.
  std::optional<std::string> set_initial(std::string_view name, std::string_view value);

  // Called after each successful change by set(), in registration order.
  void on_change(Observer observer);

  // A setting whose value another block owns and keeps in its own tables, with rules of its own
  // (the offline-code key: versions only go up, the previous key is kept for a while). set()
  // validates against the spec, then hands the canonical value to `store`, which returns a reason
  // to refuse it (Rejected) or nullopt once it is durable; get() asks `load`. Nothing is written to
  // table `settings` for it, and set_initial() is refused (the file cannot bypass the owner's rules).
  struct Delegate {
    std::function<std::string()> load;
    std::function<std::optional<std::string>(const std::string& value)> store;
  };
  void delegate(std::string_view name, Delegate delegate);

 private:
  struct Entry {
    std::string value;
    bool persisted = false;
    std::optional<Delegate> delegate;
  };
  std::size_t index_of(std::string_view name) const;  // specs_.size() when unknown
  const std::string& value_of(std::string_view name, SettingType expected) const;

  db::Database& db_;
  std::vector<SettingSpec> specs_;
  mutable std::vector<Entry> values_;  // parallel to specs_; a delegated value is refreshed by get()
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<Observer> observers_;
};

// Every setting the core knows, with its default (see settings.cpp for the list with units).
const std::vector<SettingSpec>& core_setting_specs();

// The measurands the core's meter readings can supply (hal::MeterReading), by their OCPP names
// (the same in 1.6 and 2.0.1): the allowed members of the measurand lists.
const std::vector<std::string>& supported_measurands();

// Splits a comma-separated list, trimming blanks around items; "" is the empty list.
std::vector<std::string> split_list(std::string_view text);

// ASCII case-insensitive equality (OCPP CiString).
bool iequals(std::string_view a, std::string_view b);

}  // namespace ocpp::cp
