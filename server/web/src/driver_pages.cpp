#include "ocpp/server/web/driver_pages.hpp"

namespace ocpp::server::web {

class DriverPages::Impl {
 public:
  Impl(DriverBackend& backend, const ocpp::Clock& clock) : backend_(backend), clock_(clock) {}
  std::optional<Response> handle(const Request&) { return std::nullopt; }

 private:
  DriverBackend& backend_;
  const ocpp::Clock& clock_;
};

DriverPages::DriverPages(DriverBackend& backend, const ocpp::Clock& clock)
    : impl_(std::make_unique<Impl>(backend, clock)) {}
DriverPages::~DriverPages() = default;
std::optional<Response> DriverPages::handle(const Request& request) { return impl_->handle(request); }

}  // namespace ocpp::server::web
