// kafka: librdkafka properties, passed through in file order. A value is a
// scalar as written, or a secret taken from a file or an environment
// variable so it stays out of the config (secrets.h).
#include "config/secrets.h"
#include "config/sections/sections.h"

namespace ccpulse::config {

void read_kafka(load_context& ctx, const value& v, config& cfg) {
  ctx.in.visit_entries(v, [&](const std::string& key, const YAML::Mark&, const value& val) {
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
