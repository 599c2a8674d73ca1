// kafka: a property ccpulse forces is rejected at its key, since the value
// written would reach no client (kafka/managed_properties.h).
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "config/load_helpers.h"
#include "kafka/managed_properties.h"

using namespace ccpulse;

using test::errors_of;

TEST_CASE("client.id under kafka is rejected at its key, naming what ccpulse sets instead") {
  CHECK(errors_of("instance_id: cc\nkafka:\n  bootstrap.servers: b:9092\n  client.id: mine\n") ==
        std::vector<std::string>{
            "t.yaml:4:3: kafka.client.id: set by ccpulse (<instance_id>-w<N>: one per worker, so broker logs "
            "and quotas tell the workers apart); remove it"});
}

TEST_CASE("every property ccpulse forces is rejected at its key, with its value and why") {
  int forced = 0;
  for (const auto& p : kafka::managed_properties()) {
    if (p.how != kafka::management::forced) continue;
    ++forced;
    const std::string name(p.name);
    INFO(name);
    // Flow style too: the column is the key's, wherever it sits.
    const auto errors = errors_of("kafka:\n  linger.ms: 5\n  " + name + ": x\nhttp: { port: 80 }\n");
    REQUIRE(errors.size() == 1);
    const auto* row = kafka::forced_property(name);
    CHECK(errors[0] == "t.yaml:3:3: kafka." + name + ": set by ccpulse (" +
                           std::string(kafka::documented_value(*row)) + ": " + std::string(row->why) +
                           "); remove it");
    CHECK(errors_of("kafka: { linger.ms: 5, " + name + ": x }\n")
              .at(0)
              .starts_with("t.yaml:1:24: kafka." + name));
  }
  CHECK(forced >= 12);
}

TEST_CASE("defaults and properties forced on the restore reader only may be set") {
  for (const auto& p : kafka::managed_properties()) {
    if (p.how == kafka::management::forced || kafka::forced_property(p.name)) continue;
    const std::string name(p.name);
    INFO(name);
    const auto r = config::load_config_text("kafka:\n  " + name + ": \"7\"\n", "t.yaml");
    REQUIRE(r.cfg);
    CHECK(r.cfg->kafka.properties == std::vector<std::pair<std::string, std::string>>{{name, "7"}});
  }
}
