#include "arguments.hpp"

#include <charconv>

namespace ocpp::offline_code::cli {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& valued,
                     const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.size() < 2 || a.compare(0, 2, "--") != 0) {
      positional_.push_back(a);
      continue;
    }
    std::optional<std::string> inline_value;
    if (const auto eq = a.find('='); eq != std::string::npos) {
      inline_value = a.substr(eq + 1);
      a.erase(eq);
    }
    if (flags.count(a)) {
      if (inline_value) throw UsageError(a + " takes no value");
      flags_.insert(a);
    } else if (valued.count(a)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
        inline_value = args[++i];
      }
      if (!values_.emplace(a, *inline_value).second) throw UsageError(a + " given twice");
    } else {
      throw UsageError("unknown option " + a);
    }
  }
}

std::optional<std::string> Arguments::value(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Arguments::required(const std::string& name) const {
  auto v = value(name);
  if (!v) throw UsageError(name + " is required");
  return *v;
}

std::optional<std::uint64_t> Arguments::number(const std::string& name, std::uint64_t min, std::uint64_t max) const {
  const auto text = value(name);
  if (!text) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
    throw UsageError(name + ": \"" + *text + "\" is not a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max));
  }
  return v;
}

std::uint64_t Arguments::required_number(const std::string& name, std::uint64_t min, std::uint64_t max) const {
  const auto v = number(name, min, max);
  if (!v) throw UsageError(name + " is required");
  return *v;
}

}  // namespace ocpp::offline_code::cli
