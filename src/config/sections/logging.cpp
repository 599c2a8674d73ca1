// logging: how ccpulse's log lines look (README "Logs").
#include "config/domain_values.h"
#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

void read_format(load_context& ctx, const value& x, logging_settings& s) {
  std::string w;
  if (read_word(ctx.in, x, {"logfmt", "json"}, w)) s.format = *log::format_named(w);
}

void read_level(load_context& ctx, const value& x, logging_settings& s) {
  std::string w;
  if (read_word(ctx.in, x, {"debug", "info", "warn", "error"}, w)) s.level = *log::level_named(w);
}

}  // namespace

field_table<logging_settings> logging_fields() {
  using s = logging_settings;
  static const std::vector<field<s>> table{
      {"format", custom_spec<s>{read_format, "logfmt or json", "logfmt"},
       "logfmt: key=value lines for people and grep; json: one JSON object per line, for log shippers"},
      {"level", custom_spec<s>{read_level, "debug, info, warn or error", "info"},
       "least severe level written; debug adds librdkafka's debug lines when kafka.debug is set"},
  };
  return table;
}

}  // namespace ccpulse::config
