#include "ocpp/cp/v201/initial_values.hpp"

#include <vector>

#include "ocpp/cp/v201/variable_catalogue.hpp"

namespace ocpp::cp::v201 {
namespace {

// "Name" or "Name[instance]"; false when malformed.
bool parse_part(std::string_view part, std::string& name, std::string& instance) {
  const auto open = part.find('[');
  if (open == std::string_view::npos) {
    name = std::string(part);
    instance.clear();
    return !part.empty() && part.find_first_of("].") == std::string_view::npos;
  }
  if (open == 0 || part.size() < open + 3 || part.back() != ']') return false;
  name = std::string(part.substr(0, open));
  instance = std::string(part.substr(open + 1, part.size() - open - 2));
  return name.find_first_of("].") == std::string::npos && instance.find_first_of("[]") == std::string::npos;
}

struct Found {
  const VariableDef* def = nullptr;
  bool component_known = false;
};

Found find_def(const ConfigName& n) {
  Found found;
  if (!n.component_instance.empty()) return found;  // no component here has an instance
  for (const auto& d : variable_defs()) {
    if (!iequals(d.component, n.component)) continue;
    found.component_known = true;
    if (iequals(d.variable, n.variable) && iequals(d.instance, n.variable_instance)) {
      found.def = &d;
      break;
    }
  }
  return found;
}

std::string display(const ConfigName& n, bool with_variable) {
  std::string s = n.component;
  if (!n.component_instance.empty()) s += "[" + n.component_instance + "]";
  if (!with_variable) return s;
  s += "." + n.variable;
  if (!n.variable_instance.empty()) s += "[" + n.variable_instance + "]";
  return s;
}

// Why the file may not give `d` a value; nullopt when it may.
std::optional<std::string> refusal(const VariableDef& d, const Settings& settings) {
  if (d.scope != Scope::Station) return std::string("read-only, it is computed for each EVSE or connector");
  if (d.source == Source::Constant) return std::string("read-only, it is fixed by this charging station");
  if (d.source != Source::Setting) return std::string("read-only, it is computed by the charging station");
  if (!d.not_in_config.empty()) return std::string(d.not_in_config);
  if (!settings.has(d.setting)) return std::string("not available on this charging station");
  return std::nullopt;
}

// The definition `name` stands for, if the file may set it; else the reason.
const VariableDef* resolve(std::string_view name, const Settings& settings, std::string& why) {
  const auto parsed = parse_config_name(name);
  if (!parsed) {
    why = "expected Component.Variable or Component[instance].Variable[instance]";
    return nullptr;
  }
  const auto found = find_def(*parsed);
  if (found.def == nullptr) {
    why = found.component_known ? "unknown variable " + display(*parsed, true) + " of OCPP 2.0.1 component " +
                                      display(*parsed, false)
                                : "unknown OCPP 2.0.1 component " + display(*parsed, false);
    return nullptr;
  }
  if (auto refused = refusal(*found.def, settings)) {
    why = *refused;
    return nullptr;
  }
  return found.def;
}

}  // namespace

std::optional<ConfigName> parse_config_name(std::string_view text) {
  // The dot between component and variable is the first one outside brackets: instances may hold
  // dots, names may not.
  std::size_t dot = std::string_view::npos;
  bool inside = false;
  for (std::size_t i = 0; i < text.size() && dot == std::string_view::npos; ++i) {
    if (text[i] == '[') inside = true;
    if (text[i] == ']') inside = false;
    if (text[i] == '.' && !inside) dot = i;
  }
  if (dot == std::string_view::npos) return std::nullopt;
  ConfigName n;
  if (!parse_part(text.substr(0, dot), n.component, n.component_instance)) return std::nullopt;
  if (!parse_part(text.substr(dot + 1), n.variable, n.variable_instance)) return std::nullopt;
  return n;
}

std::optional<std::string> apply_initial_values(Settings& settings,
                                                const std::map<std::string, std::string>& ocpp_config) {
  // Check everything first, so that a bad file changes nothing.
  struct Checked {
    const VariableDef* def;
    const std::string* name;
    const std::string* value;
  };
  std::vector<Checked> checked;
  for (const auto& [name, value] : ocpp_config) {
    const auto error = [&name = name](const std::string& reason) { return "ocpp_config." + name + ": " + reason; };
    std::string why;
    const auto* d = resolve(name, settings, why);
    if (d == nullptr) return error(why);
    for (const auto& other : checked) {
      if (other.def->setting == d->setting) return error("given twice (names are case-insensitive)");
    }
    if (auto empty = refuse_empty(*d, *settings.spec(d->setting), value)) return error(*empty);
    if (auto reason = settings.validate(d->setting, value)) return error(*reason);
    checked.push_back({d, &name, &value});
  }
  for (const auto& c : checked) {
    // Validated above; a setting another block owns (Settings::delegate) is refused here.
    if (auto reason = settings.set_initial(c.def->setting, *c.value)) return "ocpp_config." + *c.name + ": " + *reason;
  }
  return std::nullopt;
}

std::optional<std::string> config_value(const std::map<std::string, std::string>& ocpp_config,
                                        std::string_view component, std::string_view variable) {
  for (const auto& [name, value] : ocpp_config) {
    const auto n = parse_config_name(name);
    if (n && n->component_instance.empty() && n->variable_instance.empty() && iequals(n->component, component) &&
        iequals(n->variable, variable)) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace ocpp::cp::v201
