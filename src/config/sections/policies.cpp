// policies: SLA policies in file order (DESIGN.md §6): a name, what they
// match, and their targets (targets.cpp).
#include <algorithm>
#include <limits>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

void read_policy_name(load_context& ctx, const value& x, sla::policy& p) {
  auto n = ctx.in.name(x);
  if (!n) return;
  const auto [it, fresh] = ctx.policy_names.emplace(*n, x.mark.line + 1);
  if (!fresh)
    ctx.in.report(x.mark, x.path,
                  "duplicate policy name " + quote(*n) + " (first declared on line " +
                      std::to_string(it->second) + ")");
  p.name = *n;
}

// Each match list's items, read by `read_item`; an unreadable list matches
// as if empty (its problem is reported).
template <class Read>
void for_each_item(load_context& ctx, const value& x, Read read_item) {
  for (const auto& item : ctx.in.list(x).value_or(std::vector<value>{})) read_item(item);
}

void read_match_channels(load_context& ctx, const value& x, sla::policy_match& m) {
  for_each_item(ctx, x, [&](const value& item) {
    if (auto c = read_channel(ctx.in, item)) m.channels.push_back(*c);
  });
}

void read_match_queues(load_context& ctx, const value& x, sla::policy_match& m) {
  for_each_item(ctx, x, [&](const value& item) {
    if (auto n = ctx.in.name(item, "a queue name")) {
      ctx.refer_to_queue(item, *n);
      m.queues.push_back(std::move(*n));
    }
  });
}

void read_match_priorities(load_context& ctx, const value& x, sla::policy_match& m) {
  for_each_item(ctx, x, [&](const value& item) {
    if (auto n = ctx.in.integer(item, 0, std::numeric_limits<std::uint32_t>::max()))
      m.priorities.push_back(static_cast<std::uint32_t>(*n));
  });
}

void read_match_tiers(load_context& ctx, const value& x, sla::policy_match& m) {
  for_each_item(ctx, x, [&](const value& item) {
    if (auto n = ctx.in.name(item, "a customer tier")) m.tiers.push_back(std::move(*n));
  });
}

// attributes: { key: [value, ...] }; every key must hold one of its values.
void read_match_attributes(load_context& ctx, const value& x, sla::policy_match& m) {
  ctx.in.visit_entries(x, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
    if (key.empty() || key.size() > max_id_length) {
      ctx.in.report(
          key_mark, val.path,
          "attribute key " + quote(key) + " must be 1 to " + std::to_string(max_id_length) + " bytes");
      return;
    }
    auto& keys = ctx.attribute_keys;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      if (keys.size() >= sla::max_attribute_keys) {
        std::string known;
        for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
        ctx.in.report(key_mark, val.path,
                      "policies may match on at most " + std::to_string(sla::max_attribute_keys) +
                          " attribute keys in all; " + quote(key) + " would be one more (already: " + known +
                          ")");
        return;
      }
      keys.push_back(key);
    }
    sla::attribute_match a;
    a.key = key;
    for_each_item(ctx, val, [&](const value& item) {
      auto n = ctx.in.name(item, "an attribute value");
      if (!n) return;
      if (n->size() > max_id_length) {
        ctx.in.report(
            item.mark, item.path,
            "attribute value " + quote(*n) + " is longer than " + std::to_string(max_id_length) + " bytes");
        return;
      }
      a.values.push_back(std::move(*n));
    });
    if (a.values.empty() && (is_empty(val.node) || (val.node.IsSequence() && val.node.size() == 0)))
      ctx.in.report(
          key_mark, val.path,
          "attribute " + quote(key) + " lists no values: it would match nothing; list the values to match");
    m.attributes.push_back(std::move(a));
  });
}

void read_rule_name(load_context& ctx, const value& x, sla::escalation_rule& r) {
  if (auto n = ctx.in.name(x, "a rule name")) r.name = std::move(*n);
}

void read_sentiment_below(load_context& ctx, const value& x, sla::escalation_rule& r) {
  const auto v = ctx.in.number(x);
  if (!v) return;
  if (*v <= -1.0 || *v > 1.0) {
    ctx.in.report(x.mark, x.path,
                  "must be above -1 and at most 1 (sentiment scores are -1..1), got " + x.node.Scalar());
    return;
  }
  r.sentiment_below = *v;
}

void read_escalation_severity(load_context& ctx, const value& x, sla::escalation_rule& r) {
  if (auto s = read_severity(ctx.in, x)) r.level = *s;
}

// escalate: a list of rules, each with a name and one condition.
void read_escalate(load_context& ctx, const value& v, sla::policy& p) {
  for (const auto& item : ctx.in.list(v).value_or(std::vector<value>{})) {
    const auto errors_before = ctx.in.errors().size();
    auto rule = read_item(ctx, item, escalation_fields());
    if (ctx.in.errors().size() != errors_before) continue;  // said already; no second message about it
    const bool on_sentiment = rule.sentiment_below.has_value();
    if (on_sentiment == rule.repeat_contact) {
      ctx.in.report(item.mark, item.path,
                    on_sentiment
                        ? "a rule has one condition: sentiment_below or repeat_contact, not both "
                          "(write two rules)"
                        : "a rule needs a condition: sentiment_below: SCORE or repeat_contact: true");
      continue;
    }
    if (std::any_of(p.escalate.begin(), p.escalate.end(),
                    [&](const sla::escalation_rule& r) { return r.name == rule.name; })) {
      ctx.in.report(item.mark, item.path, "duplicate rule name " + quote(rule.name) + " in this policy");
      continue;
    }
    if (++ctx.escalation_rules > sla::max_escalation_rules) {
      ctx.in.report(item.mark, item.path,
                    "at most " + std::to_string(sla::max_escalation_rules) +
                        " escalation rules are supported over all policies");
      continue;
    }
    p.escalate.push_back(std::move(rule));
  }
}

}  // namespace

field_table<sla::escalation_rule> escalation_fields() {
  using r = sla::escalation_rule;
  static const std::vector<field<r>> table{
      {"name", custom_spec<r>{read_rule_name, "rule name", ""},
       "unique within the policy; appears in the alert", ""},
      {"sentiment_below", custom_spec<r>{read_sentiment_below, "a score above -1, at most 1", "none"},
       "fires on a SentimentObserved whose score is below this"},
      {"repeat_contact", flag_field(&r::repeat_contact, false),
       "fires when the customer had another contact within metrics.repeat_window"},
      {"severity", custom_spec<r>{read_escalation_severity, "info, warning or critical", "warning"},
       "the ESCALATION alert's severity"},
  };
  return table;
}

field_table<sla::policy> policy_fields() {
  using p = sla::policy;
  static const std::vector<field<p>> table{
      {"name", custom_spec<p>{read_policy_name, "policy name", ""}, "unique; appears in alerts", ""},
      {"match", section_field<&p::match, match_fields>(),
       "which interactions the policy applies to; absent or empty lists match everything"},
      {"targets", custom_spec<p>{read_targets, "mapping of target type to target", ""},
       "at least one target, keyed by target type",
       " (a policy needs at least one target: " + join_names(target_type_names()) + ")"},
      {"escalate", custom_spec<p>{read_escalate, "list of escalation rules", "[] (none)"},
       "rules that raise one ESCALATION alert per interaction and rule (negative sentiment, repeat contact)"},
  };
  return table;
}

static_assert(sla::max_attribute_keys == 4, "the attributes help below says 4");

field_table<sla::policy_match> match_fields() {
  using m = sla::policy_match;
  static const std::vector<field<m>> table{
      {"channels", custom_spec<m>{read_match_channels, "list of channels", "[] (any)"}, "channel names"},
      {"queues", custom_spec<m>{read_match_queues, "list of queue names", "[] (any)"},
       "declared queue names"},
      {"priorities", custom_spec<m>{read_match_priorities, "list of whole numbers", "[] (any)"},
       "interaction priorities; 1 is the most urgent"},
      {"tiers", custom_spec<m>{read_match_tiers, "list of names", "[] (any)"},
       "customer tiers or segments, as sent in events"},
      {"attributes",
       custom_spec<m>{read_match_attributes, "mapping of attribute key to list of values", "{} (any)"},
       // help is a view, so a literal: keep the 4 in step with sla::max_attribute_keys.
       "event attributes: every listed key must hold one of its values; at most 4 keys over all policies"},
  };
  return table;
}

void read_policies(load_context& ctx, const value& v, config& cfg) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  std::vector<sla::policy> policies;
  // policy_choice stores the index in 16 bits.
  if (items->size() > std::numeric_limits<std::uint16_t>::max())
    ctx.in.report(v.mark, v.path, "at most 65535 policies are supported");
  for (const auto& item : *items) policies.push_back(read_item(ctx, item, policy_fields()));
  cfg.policies = sla::policy_set(std::move(policies));
}

}  // namespace ccpulse::config
