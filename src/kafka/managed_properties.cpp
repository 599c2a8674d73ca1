#include "kafka/managed_properties.h"

#include <algorithm>
#include <array>

namespace ccpulse::kafka {

namespace {

constexpr unsigned consumers = bit(client_kind::input_consumer) | bit(client_kind::state_reader);
// Read committed data from the beginning, commit nothing.
constexpr unsigned readers = consumers | bit(client_kind::snapshot_reader) | bit(client_kind::replay_reader);
constexpr unsigned worker_clients = bit(client_kind::input_consumer) | bit(client_kind::alert_producer);
constexpr unsigned producers = bit(client_kind::alert_producer) | bit(client_kind::traffic_producer) |
                               bit(client_kind::transactional_traffic_producer);

using enum management;

// Order matters only for the README and for the row forced_property finds
// first: a worker's own row comes before a tool's row of the same name.
const std::array table{
    managed_property{"client.id",
                     forced,
                     worker_clients,
                     {},
                     &client_identity::client_id,
                     "<instance_id>-w<N>",
                     "one per worker, so broker logs and quotas tell the workers apart"},
    managed_property{"client.id",
                     forced,
                     bit(client_kind::state_reader),
                     {},
                     &client_identity::restore_client_id,
                     "<instance_id>-w<N>-restore",
                     "a worker's restore reader, told apart from its consumer"},
    managed_property{"client.id",
                     forced,
                     bit(client_kind::snapshot_reader),
                     {},
                     &client_identity::snapshot_client_id,
                     "<instance_id>-snapshots",
                     "the process's reader of the snapshots topic (the global view)"},
    managed_property{"client.id",
                     forced,
                     bit(client_kind::replay_reader),
                     {},
                     &client_identity::replay_client_id,
                     "<instance_id>-replay",
                     "`ccpulse replay`'s reader of the input and alerts topics, told apart from the workers"},
    managed_property{"group.instance.id",
                     forced,
                     bit(client_kind::input_consumer),
                     {},
                     &client_identity::client_id,
                     "<instance_id>-w<N>",
                     "static membership: a restarted worker gets its partitions back without a rebalance"},
    managed_property{
        "transactional.id",
        forced,
        bit(client_kind::alert_producer),
        {},
        &client_identity::transactional_id,
        "<instance_id>-<N>",
        "stable per worker, so a restarted worker fences its previous incarnation (exactly-once)"},
    managed_property{"transactional.id",
                     forced,
                     bit(client_kind::transactional_traffic_producer),
                     {},
                     &client_identity::transactional_id,
                     "simulate --transactional-id",
                     "names the transactional input producer of `simulate --transactional`"},
    managed_property{"enable.idempotence",
                     forced,
                     producers,
                     "true",
                     nullptr,
                     {},
                     "transactions need it; retries never duplicate or reorder records"},
    managed_property{"acks",
                     forced,
                     producers,
                     "all",
                     nullptr,
                     {},
                     "idempotence needs it: a record counts as written once every in-sync replica has it"},
    managed_property{
        "transaction.timeout.ms",
        forced,
        bit(client_kind::alert_producer),
        "30000",
        nullptr,
        {},
        "the broker aborts what a dead worker left open after 30 s, so read_committed readers move on"},
    managed_property{"enable.auto.commit",
                     forced,
                     readers,
                     "false",
                     nullptr,
                     {},
                     "input offsets are committed inside the output transaction (exactly-once)"},
    managed_property{"enable.auto.offset.store",
                     forced,
                     readers,
                     "false",
                     nullptr,
                     {},
                     "input offsets are committed inside the output transaction (exactly-once)"},
    managed_property{
        "isolation.level",
        forced,
        readers,
        "read_committed",
        nullptr,
        {},
        "aborted transactions are never read as input, restored as state nor merged as snapshots"},
    managed_property{"enable.partition.eof",
                     forced,
                     readers,
                     "true",
                     nullptr,
                     {},
                     "tells a worker it has caught up (effective time) and a restore that it is done"},
    managed_property{"auto.offset.reset",
                     forced,
                     readers,
                     "earliest",
                     nullptr,
                     {},
                     "a new group reads its input, and a restore its changelog, from the start"},
    managed_property{"partition.assignment.strategy",
                     forced,
                     bit(client_kind::input_consumer),
                     "cooperative-sticky",
                     nullptr,
                     {},
                     "the worker's rebalance handling is written for incremental assignment"},
    managed_property{"client.id",
                     forced,
                     bit(client_kind::mock_cluster),
                     "ccpulse-mock-cluster",
                     nullptr,
                     {},
                     "names the handle that owns the embedded broker of `demo`"},
    managed_property{
        "log_level",
        forced,
        bit(client_kind::mock_cluster),
        "3",
        nullptr,
        {},
        "the handle only hosts the embedded broker and never connects: its warning about having no "
        "bootstrap.servers was the first line a newcomer read"},
    managed_property{
        "fetch.wait.max.ms",
        forced_here_only,
        bit(client_kind::state_reader),
        "10",
        nullptr,
        {},
        "a restore learns quickly that it reached the end; your value applies to the input consumer"},
    managed_property{
        "fetch.min.bytes",
        forced_here_only,
        bit(client_kind::state_reader),
        "1",
        nullptr,
        {},
        "a restore learns quickly that it reached the end; your value applies to the input consumer"},
    managed_property{"group.id",
                     default_value,
                     bit(client_kind::input_consumer),
                     "ccpulse",
                     nullptr,
                     {},
                     "the consumer group every instance of one deployment joins"},
    // librdkafka 2.0.2 refills a consumer that does real work between polls
    // far too slowly with its default (100000): with bench/e2e, a consumer
    // busy 1.5 us per message read 0.14 M msg/s with it and 0.48 M/s with
    // 1000000. Prefetch memory stays bounded by queued.max.messages.kbytes.
    managed_property{
        "queued.min.messages",
        default_value,
        consumers,
        "1000000",
        nullptr,
        {},
        "librdkafka 2.0.2 refills a busy consumer far too slowly with its 100000 (bench/RESULTS.md)"},
    managed_property{"max.partition.fetch.bytes",
                     default_value,
                     bit(client_kind::state_reader),
                     "8388608",
                     nullptr,
                     {},
                     "a restore reads as fast as it can"},
    managed_property{"fetch.max.bytes",
                     default_value,
                     bit(client_kind::state_reader),
                     "67108864",
                     nullptr,
                     {},
                     "a restore reads as fast as it can"},
};

}  // namespace

client_identity worker_identity(std::string_view instance_id, int worker) {
  const std::string base(instance_id);
  const std::string n = std::to_string(worker);
  return {base + "-w" + n, base + "-" + n, base + "-w" + n + "-restore", {}, {}};
}

client_identity snapshot_reader_identity(std::string_view instance_id) {
  client_identity id;
  id.snapshot_client_id = std::string(instance_id) + "-snapshots";
  return id;
}

client_identity replay_reader_identity(std::string_view instance_id) {
  client_identity id;
  id.replay_client_id = std::string(instance_id) + "-replay";
  return id;
}

std::span<const managed_property> managed_properties() { return table; }

const managed_property* forced_property(std::string_view name) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const managed_property& p) {
    return p.how == management::forced && p.name == name;
  });
  return it == table.end() ? nullptr : &*it;
}

std::string_view value_for(const managed_property& p, const client_identity& id) {
  return p.derived ? std::string_view(id.*p.derived) : p.value;
}

std::string_view documented_value(const managed_property& p) { return p.derived ? p.derivation : p.value; }

}  // namespace ccpulse::kafka
