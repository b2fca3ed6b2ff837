// Uses the installed headers and libraries: typed messages, serialisation and schema validation.
#include <iostream>

#include "ocpp/messages/serialize.hpp"
#include "ocpp/schema/validator.hpp"
#include "ocpp/v16/messages.hpp"

int main() {
  ocpp::v16::BootNotificationRequest boot;
  boot.chargePointVendor = "Integrator";
  boot.chargePointModel = "Pile-1";
  const std::string text = ocpp::serialize(boot);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ocpp::SchemaValidator validator(ocpp::ProtocolVersion::v16);
  if (auto err = validator.validate("BootNotification", ocpp::MessageKind::Request, doc)) {
    std::cerr << "invalid: " << err->description << "\n";
    return 1;
  }
  std::cout << text << "\n";
  return 0;
}
