#pragma once
// Key provisioning over OCPP (docs/offline-code.md §3.2, §6; DESIGN.md "Offline-code provisioning
// over OCPP"). After each boot the server reads the newest key version the pile holds and, when it
// is not the server's current version, sends the pile its key K(ID, V) as "V:HEX":
//   1.6:   GetConfiguration OfflineCodeKeyVersion, then ChangeConfiguration OfflineCodeKey;
//   2.0.1: GetVariables OfflineCodeCtrlr.KeyVersion, then SetVariables OfflineCodeCtrlr.Key.
// Codes are issued only under a version the pile has confirmed (KeyBook).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ocpp/common/version.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/server/key_book.hpp"
#include "ocpp/server/pile_directory.hpp"

namespace ocpp::server {

class KeyProvisioner {
 public:
  // `master`: nullptr when offline codes are disabled (then nothing is sent).
  KeyProvisioner(const offline_code::MasterSecret* master, KeyBook& keys, PileLink& link);
  ~KeyProvisioner();
  KeyProvisioner(const KeyProvisioner&) = delete;
  KeyProvisioner& operator=(const KeyProvisioner&) = delete;

  // Call once the pile's BootNotification has been answered: reads its key version, then provisions
  // if needed. A new call for the same pile supersedes one still under way.
  void start(const std::string& charge_point_id, ProtocolVersion version);
  // Sends the current version now (a rotation became due while the pile is connected).
  void provision_current(const std::string& charge_point_id, ProtocolVersion version);

 private:
  void on_version_answer(const std::string& cp, ProtocolVersion version, std::uint64_t generation,
                         rpc::CallOutcome& outcome);
  void send_key(const std::string& cp, ProtocolVersion version, std::uint64_t generation, std::uint32_t key_version);
  void on_key_answer(const std::string& cp, std::uint64_t generation, std::uint32_t key_version,
                     rpc::CallOutcome& outcome, ProtocolVersion version);
  bool current(const std::string& cp, std::uint64_t generation) const;

  const offline_code::MasterSecret* master_;
  KeyBook& keys_;
  PileLink& link_;
  std::map<std::string, std::uint64_t> generation_;  // per pile: the newest provisioning run
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The pile's answer to the key-version read, as the provisioner understands it: the version, or why
// it has none to give (exposed for tests).
struct ReportedVersion {
  std::optional<std::uint32_t> version;  // set: the pile holds this version (0: none)
  bool unsupported = false;              // the pile does not know the variable: it takes no codes
  std::string problem;                   // otherwise: why the answer is unusable
};
ReportedVersion parse_key_version_answer(ProtocolVersion version, const rapidjson::Value& payload);

}  // namespace ocpp::server
