// Renewal of the pile's certificate before it ends (certificate_renewal.hpp).
#include "ocpp/cp/certificate_renewal.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::cp {

CertificateRenewal::~CertificateRenewal() {
  if (timer_ != 0) loop_.cancel(timer_);
}

void CertificateRenewal::start() {
  timer_ = loop_.schedule_after(std::chrono::minutes(1), [this] {
    timer_ = 0;
    check();
  });
}

bool CertificateRenewal::due(SystemTime now) const {
  const auto expiry = store_.own_certificate_expiry();
  return expiry && *expiry - now < kRenewBefore;
}

void CertificateRenewal::check() {
  if (due(clock_.system_now())) {
    log::info("certs", "the charge point certificate ends within 30 days: asking the CSMS for a new one");
    request_();
  }
  timer_ = loop_.schedule_after(kCheckEvery, [this] {
    timer_ = 0;
    check();
  });
}

}  // namespace ocpp::cp
