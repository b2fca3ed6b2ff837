#pragma once
// A pile certificate nearing its end is renewed before the link needs it (1.6 Security Whitepaper
// §3.2, 2.0.1 A02 "the Charging Station detects that its certificate is about to expire"): once a
// day, and at start, the notAfter of the certificate in use is compared with the clock; within
// kRenewBefore of it, `request` runs (the adapter sends SignCertificate), at most once a day.
// After each SignCertificate the adapter calls awaiting_signature(): when no CertificateSigned is
// accepted within the wait, `resend` runs (the same CSR again), the wait doubling each time, at most
// `repeat_times` times (2.0.1 SecurityCtrlr.CertSigningWaitMinimum / CertSigningRepeatTimes, the
// 1.6 Whitepaper edition 3 keys of the same names).
#include <chrono>
#include <functional>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/certificate_store.hpp"

namespace ocpp::cp {

class CertificateRenewal {
 public:
  static constexpr std::chrono::hours kRenewBefore{24 * 30};
  static constexpr std::chrono::hours kCheckEvery{24};

  CertificateRenewal(EventLoop& loop, const CertificateStore& store, const Clock& clock, std::function<void()> request,
                     std::function<void()> resend = {})
      : loop_(loop), store_(store), clock_(clock), request_(std::move(request)), resend_(std::move(resend)) {}
  ~CertificateRenewal();
  CertificateRenewal(const CertificateRenewal&) = delete;
  CertificateRenewal& operator=(const CertificateRenewal&) = delete;

  // The first check runs a minute from now (after the registration), then once a day.
  void start();
  // True when the certificate in use ends within kRenewBefore of `now`.
  bool due(SystemTime now) const;
  // A SignCertificate was sent: resend it after `wait_minimum` unless signature_received() comes
  // first (repeat_times 0: never). A new request starts the count again.
  void awaiting_signature(std::chrono::seconds wait_minimum, int repeat_times);
  // A CertificateSigned was accepted: no more resends.
  void signature_received();

 private:
  void check();

  EventLoop& loop_;
  const CertificateStore& store_;
  const Clock& clock_;
  void schedule_resend();

  std::function<void()> request_;
  std::function<void()> resend_;
  TimerId timer_ = 0;
  TimerId resend_timer_ = 0;
  std::chrono::seconds resend_wait_{0};
  int resends_left_ = 0;
};

}  // namespace ocpp::cp
