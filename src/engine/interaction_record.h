#pragma once
// State of one open (or lingering) interaction in memory. Kept small and
// inline: the target is at most 256 bytes of heap per open interaction
// (DESIGN.md §4). Its portable form is interaction_state (state_record.h).
#include <array>
#include <cstdint>

#include "engine/state_record.h"
#include "metrics/queue_registry.h"
#include "model/channel.h"
#include "model/event.h"
#include "model/fixed_id.h"
#include "model/time.h"
#include "sla/clock.h"

namespace ccpulse::engine {

// What a record remembers for the KPIs (docs/kpis.md), as bits.
enum record_flag : std::uint8_t {
  in_leg = 1,           // answered, handling (voice, video, chat) not ended yet
  first_responded = 2,  // async: the first agent response was counted
  reopened = 4,
  repeat_contact = 8,      // the customer had another contact within repeat_window
  crossed_threshold = 16,  // this wait crossed T (counted once per wait)
};

// A target type's bit in interaction_record::clock_mask.
constexpr std::uint8_t clock_bit(sla::target_type t) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(t));
}
inline constexpr std::uint8_t answer_clock_bit = clock_bit(sla::target_type::answer);

struct interaction_record {
  fixed_id id;
  instant created_at{};
  instant queued_at{};
  instant answered_at{};
  instant abandoned_at{};
  instant closed_at{};
  std::uint32_t priority = 0;
  std::uint32_t queue_cycle = 0;
  metrics::queue_index queue = 0;  // name index (the label is the registry's label(queue))
  std::uint16_t tier = 0;
  channel chan = channel::unspecified;
  lifecycle state = lifecycle::created;
  // Changed since the last drain (its key is in the partition's change list);
  // fits the padding before answer.
  bool changed = false;
  std::uint8_t flags = 0;  // record_flag
  // Which target types have a clock (clock_bit), so events skip the table
  // lookups for clocks the interaction has not.
  std::uint8_t clock_mask = 0;
  ticket_status status = ticket_status::unspecified;  // the last StatusChanged
  // The current handling leg (voice, video, chat): on hold since, hold so
  // far, wrap-up started ({}: none).
  instant hold_started{};
  duration hold_sum{};
  instant wrap_started{};
  // Async: the customer message waiting for a reply ({}: none).
  instant reply_wait_since{};
  // The answer target's clock, inline: every queued contact has one. The
  // other target types live in the partition's clock table.
  sla::sla_clock answer;
  // Escalation rules already fired, a bit per rule number (policy_set).
  std::uint16_t escalations_sent = 0;
  // The kept attributes (attribute_table.h), by the policy set's key slot.
  std::array<std::uint16_t, max_attribute_keys> attributes{};
  // Linger while closed; otherwise the max-age / max-wait expiry.
  std::uint64_t housekeeping_timer = ~std::uint64_t{0};
};

}  // namespace ccpulse::engine
