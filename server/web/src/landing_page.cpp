// GET /c/ID/N (DESIGN.md "Driver pages": what the pile's QR code points to). Online: plug in and
// use a card or app. Offline: the way to an offline charging code (docs/offline-code.md §9).
#include "pages.hpp"

namespace ocpp::server::web {

Response landing_page(PageEnv& env, const Visit& visit, const std::string& charge_point_id,
                      const std::string& connector_text) {
  const std::string here = visit.request.path;
  const std::optional<PileInfo> pile = env.backend.pile(charge_point_id);
  if (!pile) return unknown_pile_page(visit, here, charge_point_id);
  const std::optional<int> connector = parse_connector(connector_text, *pile);
  if (!connector) return unknown_connector_page(visit, here, *pile, connector_text);

  Html status = render_template(pile->connected ? "landing_online.html" : "landing_offline.html", {});
  // Offline, the code is what the driver came for: the primary button. Online it is an alternative.
  const std::string button_class = pile->connected ? "button-secondary" : "button-primary";
  Html offer;
  if (!pile->codes_available) {
    offer = render_template("offer_unavailable.html", {});
  } else if (visit.logged_in()) {
    offer = render_template("offer_form.html", {{"action", landing_href(charge_point_id, *connector) + "/code"},
                                                {"csrf", visit.session->csrf_token},
                                                {"button_class", button_class}});
  } else {
    offer = render_template("offer_login.html", {{"login_href", login_href(landing_href(charge_point_id, *connector))},
                                                 {"button_class", button_class}});
  }
  Html main = render_template("landing.html", {{"charge_point_id", charge_point_id},
                                               {"connector", std::to_string(*connector)},
                                               {"status", std::move(status)},
                                               {"offer", std::move(offer)}});
  const std::string title = "Charger " + charge_point_id + (pile->connected ? " (online)" : " (offline)");
  return html_page(200, title, std::move(main), visit, here);
}

}  // namespace ocpp::server::web
