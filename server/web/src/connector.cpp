#include <charconv>

#include "pages.hpp"

namespace ocpp::server::web {
namespace {
constexpr int kMaxCodeConnector = 7;  // docs/offline-code.md §2: the connector field is 0..7
}

std::optional<int> parse_connector(const std::string& text, const PileInfo& pile) {
  if (text.empty() || text.size() > 3 || text.front() == '0') return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  const int highest = pile.connectors > 0 ? pile.connectors : kMaxCodeConnector;
  if (value < 1 || value > highest) return std::nullopt;
  return value;
}

Response unknown_pile_page(const Visit& visit, const std::string& here, const std::string& charge_point_id) {
  Message m;
  m.status = 404;
  m.heading = "Charger not found";
  m.message = "There is no charger called \"" + charge_point_id +
              "\" here. Check the address, or scan the QR code on the charger again.";
  return message_page(m, visit, here);
}

Response unknown_connector_page(const Visit& visit, const std::string& here, const PileInfo& pile,
                                const std::string& connector_text) {
  Message m;
  m.status = 404;
  m.heading = "Connector not found";
  m.message = "Charger " + pile.id + " has no connector \"" + connector_text + "\"" +
              (pile.connectors > 0 ? " (its connectors are numbered 1 to " + std::to_string(pile.connectors) + ")"
                                   : "") +
              ". Scan the QR code next to the connector you want to use.";
  return message_page(m, visit, here);
}

}  // namespace ocpp::server::web
