#pragma once
// The authorization chain: what happens when an identifier is presented at a connector (1.6 §3.5,
// §3.5.1-§3.5.4; 2.0.1 C01, C10-C15). It asks the local list, the cache, the CSMS and, for codes
// typed on the keypad, the offline-code verifier, in the order the configuration keys decide, and
// answers with the decision and where it came from.
//
// The decision is asynchronous because the CSMS round trip is. Everything runs on the core's event
// loop: `done` is called on it, exactly once, and may be called before authorize() returns when no
// round trip is needed. A round trip still open when the Authorizer is destroyed never calls back.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/auth_cache.hpp"
#include "ocpp/cp/auth_id_tag.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

// Where the identifier came from. A keypad code is sent to the CSMS like an id tag when online
// (DESIGN.md: "Online, the same code also works"), but it is never cached (see Authorizer), and
// offline it goes to the OfflineCodeVerifier.
enum class IdentifierSource { Rfid, Keypad };
std::string_view to_string(IdentifierSource s);

// Who decided.
enum class AuthorizationSource {
  LocalList,              // 1.6 §3.5.2 (an entry, Accepted or not)
  Cache,                  // 1.6 §3.5.1
  Csms,                   // Authorize.conf
  OfflineUnknownAllowed,  // 1.6 §3.5.4 AllowOfflineTxForUnknownId
  OfflineCode,            // the offline charging code (DESIGN.md), via OfflineCodeVerifier
  None,                   // nobody could vouch for the identifier: refused
};
std::string_view to_string(AuthorizationSource s);

struct AuthorizationRequest {
  ConnectorId connector = 0;
  std::string identifier;  // the id tag (RFID) or the typed code (keypad)
  IdentifierSource source = IdentifierSource::Rfid;
  bool online = false;  // the link to the CSMS is up (registration Accepted)
};

struct AuthorizationDecision {
  bool accepted = false;
  AuthorizationSource source = AuthorizationSource::None;
  // What the deciding source said (status, expiry, parentIdTag for same_group). For
  // OfflineUnknownAllowed, Accepted with whatever a local entry knew of the parent, if anything.
  IdTagInfo info;
  // 1.6 §3.5.4: accepted without anyone vouching for the identifier (OfflineUnknownAllowed). The
  // caller applies StopTransactionOnInvalidId / MaxEnergyOnInvalidId when StartTransaction.conf
  // later says it is not Accepted.
  bool unverified = false;
  // 1.6 §3.5.3: the CSMS's answer disagrees with the local list entry. The caller SHOULD send
  // StatusNotification connectorId 0, errorCode LocalListConflict.
  bool local_list_conflict = false;
  // OfflineCode: the energy the code allows, if it binds a cap (the transaction stops there).
  std::optional<double> energy_cap_wh;
  // One line for the log and `ocpp-cpctl` refusals.
  std::string reason;
  // A keypad code refused by the verifier: its words for the driver (display and `ocpp-cpctl`).
  std::string driver_message;
};

// The configuration keys that steer the chain (1.6 §9.1; 2.0.1 AuthCtrlr, AuthCacheCtrlr,
// LocalAuthListCtrlr). The settings block owns their values and calls set_options on a change.
struct AuthorizerOptions {
  bool local_auth_list_enabled = true;           // LocalAuthListEnabled
  bool authorization_cache_enabled = true;       // AuthorizationCacheEnabled
  bool local_pre_authorize = false;              // LocalPreAuthorize
  bool local_authorize_offline = true;           // LocalAuthorizeOffline
  bool allow_offline_tx_for_unknown_id = false;  // AllowOfflineTxForUnknownId
};

// The Authorize round trip, provided by the active protocol adapter (1.6 Authorize, 2.0.1
// Authorize with idToken type ISO14443 or KeyCode). `done` gets the CSMS's IdTagInfo, or nullopt
// when there is no answer (offline, timeout, CALLERROR).
class CsmsAuthorize {
 public:
  virtual ~CsmsAuthorize() = default;
  virtual void authorize(const std::string& id_tag, std::function<void(std::optional<IdTagInfo>)> done) = 0;
  // The same with the identifier's kind in 2.0.1 IdTokenEnumType spelling (ISO14443, KeyCode,
  // Central), for a protocol that sends it; one that does not (1.6) need not override this.
  virtual void authorize_typed(const std::string& id_tag, const std::string& token_type,
                               std::function<void(std::optional<IdTagInfo>)> done) {
    (void)token_type;
    authorize(id_tag, std::move(done));
  }
};

// What the offline-code verifier says of a typed code.
struct CodeVerdict {
  enum class Result {
    Accepted,  // authentic, unused, valid for this connector now; its use is already durable
    Rejected,  // looks like a code but does not verify (typo, forgery, used, expired, locked out)
    NotACode,  // not in the code format at all: the Authorizer treats it as an unknown identifier
  };
  Result result = Result::NotACode;
  IdTagInfo info;      // Accepted: expiry (end of validity) and parent, if the code binds any
  std::optional<double> energy_cap_wh;  // Accepted: the energy the code allows, if it binds a cap
  std::string reason;  // Rejected: why, for the display, the log and `ocpp-cpctl enter-code`
};

// The plug-in point for the offline charging code (DESIGN.md "The offline charging code"). The
// Authorizer consults it for keypad codes when no CSMS answer is available; `online` says whether
// the link was up (the CSMS did not answer in time) or down. Single use: the implementation records
// an accepted code durably before it calls `done` with Accepted (DESIGN.md principle 4).
class OfflineCodeVerifier {
 public:
  virtual ~OfflineCodeVerifier() = default;
  virtual void authorize_code(ConnectorId connector, const std::string& code, bool online,
                              std::function<void(CodeVerdict)> done) = 0;
  // The CSMS accepted `code` typed on `connector` (online use, docs/offline-code.md §9): if it is a
  // code of this pile, its serial is used up here too, so that it cannot start a second session
  // offline.
  virtual void used_online(ConnectorId connector, const std::string& code) = 0;
  // Issue 14: an accepted `code` whose session never started (no cable within ConnectionTimeOut,
  // the meter or the store failing at the start, the connector taken out of service, the driver
  // cancelling) is made usable again within its validity.
  virtual void release_unused(ConnectorId connector, const std::string& code) {
    (void)connector;
    (void)code;
  }
};

// What recording a CSMS IdTagInfo did (on_csms_id_tag_info).
struct CsmsInfoOutcome {
  bool cached = false;
  bool local_list_conflict = false;  // 1.6 §3.5.3: send StatusNotification LocalListConflict
};

class Authorizer {
 public:
  using Done = std::function<void(const AuthorizationDecision&)>;

  // `code_verifier` may be null (no offline codes); it can be set later.
  Authorizer(LocalAuthList& list, AuthCache& cache, CsmsAuthorize& csms, const Clock& clock,
             AuthorizerOptions options = {}, OfflineCodeVerifier* code_verifier = nullptr);
  ~Authorizer();
  Authorizer(const Authorizer&) = delete;
  Authorizer& operator=(const Authorizer&) = delete;

  void set_options(const AuthorizerOptions& options) { options_ = options; }
  const AuthorizerOptions& options() const { return options_; }
  void set_offline_code_verifier(OfflineCodeVerifier* verifier) { code_verifier_ = verifier; }
  // A keypad code accepted for `connector` started no session: the verifier frees it again.
  void release_unused_code(ConnectorId connector, const std::string& code) {
    if (code_verifier_ != nullptr) code_verifier_->release_unused(connector, code);
  }

  // Decides on a presented identifier; see the chain in authorizer.cpp.
  void authorize(const AuthorizationRequest& request, Done done);

  // 1.6 §3.5.1: every IdTagInfo the CSMS sends outside Authorize (StartTransaction.conf,
  // StopTransaction.conf) goes through here, so that the cache and the local-list conflict rule
  // (§3.5.3) see it. `source` is how the transaction's identifier was presented.
  CsmsInfoOutcome on_csms_id_tag_info(const std::string& id_tag, const IdTagInfo& info, IdentifierSource source);

 private:
  std::optional<AuthorizationDecision> pre_authorized(const AuthorizationRequest& request);
  void ask_csms(const AuthorizationRequest& request, Done done);
  void decide_offline(const AuthorizationRequest& request, bool link_up, Done done);
  void decide_unknown(const AuthorizationRequest& request, const std::optional<IdTagInfo>& known,
                      const std::string& context, const Done& done);
  void finish(const AuthorizationRequest& request, const AuthorizationDecision& decision, const Done& done);

  LocalAuthList& list_;
  AuthCache& cache_;
  CsmsAuthorize& csms_;
  const Clock& clock_;
  AuthorizerOptions options_;
  OfflineCodeVerifier* code_verifier_;
  // Held by callbacks as a weak_ptr: a callback that finds it gone does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ocpp::cp
