// kafka: librdkafka properties, passed through in file order. A value is a
// scalar as written, or a secret taken from a file or an environment
// variable so it stays out of the config (secrets.h). A property ccpulse
// forces (kafka/managed_properties.h) is an error: it would be ignored.
#include "config/secrets.h"
#include "config/sections/sections.h"
#include "kafka/managed_properties.h"

namespace ccpulse::config {

void read_kafka(load_context& ctx, const value& v, config& cfg) {
  ctx.in.visit_entries(v, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
    if (const auto* forced = kafka::forced_property(key)) {
      ctx.in.report(key_mark, val.path,
                    "set by ccpulse (" + std::string(kafka::documented_value(*forced)) + ": " +
                        std::string(forced->why) + "); remove it");
      return;
    }
    std::optional<std::string> resolved;
    if (val.node.IsScalar()) {
      resolved = val.node.Scalar();
    } else if (val.node.IsMap()) {
      resolved = read_secret(ctx.in, val, ctx.base_dir);
    } else {
      ctx.in.report(val.mark, val.path,
                    "expected " + std::string(kafka_value_forms) + ", got " + got(val.node));
    }
    if (resolved) cfg.kafka.properties.emplace_back(key, std::move(*resolved));
  });
}

}  // namespace ccpulse::config
