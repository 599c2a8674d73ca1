#pragma once
// The librdkafka properties ccpulse sets itself, in one table: the client
// builders take them from it (client_properties.h), check-config rejects the
// forced ones under `kafka:`, and the README's table is copied from it. So
// what ccpulse really sets, what it refuses and what it documents cannot
// drift apart. No I/O, no librdkafka.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ccpulse::kafka {

// The librdkafka clients ccpulse creates, as bits of a mask.
enum class client_kind : std::uint16_t {
  input_consumer = 1U << 0U,  // a worker's group consumer of the input topics
  alert_producer = 1U << 1U,  // a worker's transactional producer (alerts, dead letters, changelog, offsets)
  state_reader = 1U << 2U,    // a worker's restore reader of the state topic
  traffic_producer = 1U << 3U,                // `simulate` and `demo` input traffic
  transactional_traffic_producer = 1U << 4U,  // `simulate --transactional`
  mock_cluster = 1U << 5U,                    // the handle owning the embedded mock broker (`demo`)
  admin = 1U << 6U,                           // topic checks and creation: nothing managed
  snapshot_reader = 1U << 7U,                 // the process's reader of the snapshots topic (global view)
  replay_reader = 1U << 8U,                   // `replay`'s reader of the input (and alerts) topics
};

constexpr unsigned bit(client_kind k) { return static_cast<unsigned>(k); }

enum class management : std::uint8_t {
  // Set on the listed clients whatever the user wrote; check-config rejects
  // the key under `kafka:`, since the user's value would reach no client.
  forced,
  // Set on the listed clients whatever the user wrote, but the user's value
  // still reaches ccpulse's other clients, so check-config accepts the key.
  forced_here_only,
  // Set only when the user did not set the key.
  default_value,
};

// Per-client values a table row may derive its value from. An empty one
// leaves the property to librdkafka (tools and benchmarks without a worker).
struct client_identity {
  std::string client_id;           // client.id, group.instance.id
  std::string transactional_id;    // transactional.id
  std::string restore_client_id;   // the restore reader's client.id
  std::string snapshot_client_id;  // the snapshots reader's client.id
  std::string replay_client_id;    // `replay`'s reader's client.id
};

// A worker's identity: `<instance_id>-w<N>`, `<instance_id>-<N>` and
// `<instance_id>-w<N>-restore`.
client_identity worker_identity(std::string_view instance_id, int worker);
// The process's snapshots reader: `<instance_id>-snapshots`.
client_identity snapshot_reader_identity(std::string_view instance_id);
// `ccpulse replay`'s reader: `<instance_id>-replay`.
client_identity replay_reader_identity(std::string_view instance_id);

struct managed_property {
  std::string_view name;
  management how;
  unsigned clients;                                 // bits of client_kind
  std::string_view value;                           // the literal value; empty when derived
  std::string client_identity::*derived = nullptr;  // where a derived value comes from
  std::string_view derivation;                      // how a derived value is made, as documented
  std::string_view why;                             // one line, for error messages and the README
};

std::span<const managed_property> managed_properties();

// The row check-config rejects `name` with, or nullptr when the user may set it.
const managed_property* forced_property(std::string_view name);

// The value a row sets on a client with this identity; empty when derived
// from an empty identity field.
std::string_view value_for(const managed_property& p, const client_identity& id);

// The value as documented: the literal, or how it is derived.
std::string_view documented_value(const managed_property& p);

}  // namespace ccpulse::kafka
