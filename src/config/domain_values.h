#pragma once
// Values with rules of their own beyond their YAML type: channel names,
// SLA target types, ticket statuses, service-level formulas, Kafka topic
// names, IANA time zones.
// Valid names come from the core's enums so they cannot drift from it.
#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_reader.h"
#include "metrics/service_level.h"
#include "model/channel.h"
#include "model/event.h"
#include "sla/policy.h"

namespace ccpulse::config {

const std::vector<std::string_view>& channel_names();
const std::vector<std::string_view>& target_type_names();
// metrics::sl_formula_names as a list, for "did you mean".
const std::vector<std::string_view>& sl_formula_names();

struct status_name {
  std::string_view name;
  ticket_status status;
};
inline constexpr std::array<status_name, 6> ticket_statuses{{
    {"new", ticket_status::new_},
    {"open", ticket_status::open},
    {"pending", ticket_status::pending},
    {"on_hold", ticket_status::on_hold},
    {"solved", ticket_status::solved},
    {"closed", ticket_status::closed},
}};
const std::vector<std::string_view>& ticket_status_names();

// Kafka's rule for topic names (kafka.common.internals.Topic): empty when
// `name` is valid, else why not.
std::string topic_name_problem(std::string_view name);

std::optional<channel> read_channel(yaml_reader& in, const value& v);
// info, warning or critical.
std::optional<sla::severity> read_severity(yaml_reader& in, const value& v);
std::optional<metrics::sl_formula> read_sl_formula(yaml_reader& in, const value& v);
std::optional<std::string> read_topic_name(yaml_reader& in, const value& v);
// One of a few words; reports the allowed ones otherwise.
bool read_word(yaml_reader& in, const value& x, std::initializer_list<std::string_view> allowed,
               std::string& out);
// Reports `zone` at v unless the tz database knows it.
void check_time_zone(yaml_reader& in, const value& v, const std::string& zone);

}  // namespace ccpulse::config
