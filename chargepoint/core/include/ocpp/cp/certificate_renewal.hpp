#pragma once
// A pile certificate nearing its end is renewed before the link needs it (1.6 Security Whitepaper
// §3.2, 2.0.1 A02 "the Charging Station detects that its certificate is about to expire"): once a
// day, and at start, the notAfter of the certificate in use is compared with the clock; within
// kRenewBefore of it, `request` runs (the adapter sends SignCertificate), at most once a day.
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

  CertificateRenewal(EventLoop& loop, const CertificateStore& store, const Clock& clock, std::function<void()> request)
      : loop_(loop), store_(store), clock_(clock), request_(std::move(request)) {}
  ~CertificateRenewal();
  CertificateRenewal(const CertificateRenewal&) = delete;
  CertificateRenewal& operator=(const CertificateRenewal&) = delete;

  // The first check runs a minute from now (after the registration), then once a day.
  void start();
  // True when the certificate in use ends within kRenewBefore of `now`.
  bool due(SystemTime now) const;

 private:
  void check();

  EventLoop& loop_;
  const CertificateStore& store_;
  const Clock& clock_;
  std::function<void()> request_;
  TimerId timer_ = 0;
};

}  // namespace ocpp::cp
