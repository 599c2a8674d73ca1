#include "metrics/service_level.h"

#include <doctest/doctest.h>

#include <optional>

namespace {

using namespace std::chrono_literals;
using ccpulse::metrics::genesys_switches;
using ccpulse::metrics::kpi_counters;
using ccpulse::metrics::sl_formula;
using ccpulse::metrics::sl_options;

// One window of one queue, counted by hand:
//   offered Q = 100; answered A = 80, within T Aw = 60;
//   abandoned B = 15 = within T Bw 9 (5 of them short, Bs = 5) + after T 6;
//   flowed out F = 5, within T Fw = 2; crossed T while waiting W = 25.
kpi_counters window() {
  kpi_counters c;
  c.offered = 100;
  c.answered = 80;
  c.answered_within_T = 60;
  c.abandoned = 15;
  c.short_abandoned = 5;
  c.abandoned_within_T = 9;
  c.abandoned_after_T = 6;
  c.flowed_out = 5;
  c.flowed_out_within_T = 2;
  c.waited_beyond_T = 25;
  return c;
}

double sl(sl_formula f, bool at_once = false, genesys_switches g = {}) {
  sl_options o;
  o.formula = f;
  o.missed_at_once = at_once;
  o.genesys = g;
  const auto v = ccpulse::metrics::service_level(window(), o);
  REQUIRE(v);
  return *v;
}

}  // namespace

TEST_CASE("service level default: answered within T / (answered + abandoned - short abandons)") {
  CHECK(sl(sl_formula::default_) == doctest::Approx(60.0 / 90));  // 60 / (80 + 15 - 5)
  // Missed at once: 60 / (60 + (9 - 5) + 25).
  CHECK(sl(sl_formula::default_, true) == doctest::Approx(60.0 / 89));
  const auto parts = ccpulse::metrics::service_level_parts(window(), sl_options{});
  CHECK(parts.met == 60);
  CHECK(parts.offered == 90);
}

TEST_CASE("service level asterisk_sl: answered within T / answered") {
  CHECK(sl(sl_formula::asterisk_sl) == doctest::Approx(0.75));             // 60 / 80
  CHECK(sl(sl_formula::asterisk_sl, true) == doctest::Approx(60.0 / 85));  // 60 / (60 + 25)
}

TEST_CASE("service level asterisk_sl2: (answered + abandoned within T) / (answered + abandoned)") {
  CHECK(sl(sl_formula::asterisk_sl2) == doctest::Approx(69.0 / 95));        // (60 + 9) / (80 + 15)
  CHECK(sl(sl_formula::asterisk_sl2, true) == doctest::Approx(69.0 / 94));  // 69 / (69 + 25)
}

TEST_CASE(
    "service level amazon_connect: left the queue within T / queued, and missed-at-once changes nothing") {
  CHECK(sl(sl_formula::amazon_connect) == doctest::Approx(0.71));  // (60 + 9 + 2) / 100
  CHECK(sl(sl_formula::amazon_connect, true) == doctest::Approx(0.71));
}

TEST_CASE("service level genesys: each switch moves the denominator as Genesys Cloud documents") {
  // Defaults (abandons in, short abandons out, flow-outs out) equal default_.
  CHECK(sl(sl_formula::genesys) == doctest::Approx(60.0 / 90));
  CHECK(sl(sl_formula::genesys, true) == doctest::Approx(60.0 / 89));
  genesys_switches with_short;
  with_short.include_short_abandons = true;
  CHECK(sl(sl_formula::genesys, false, with_short) == doctest::Approx(60.0 / 95));  // 80 + 15
  CHECK(sl(sl_formula::genesys, true, with_short) == doctest::Approx(60.0 / 94));   // 60 + 9 + 25
  genesys_switches no_abandons;
  no_abandons.include_abandons = false;
  CHECK(sl(sl_formula::genesys, false, no_abandons) == doctest::Approx(0.75));      // 60 / 80
  CHECK(sl(sl_formula::genesys, true, no_abandons) == doctest::Approx(60.0 / 85));  // 60 + 25
  // Short abandons only matter when abandons are in.
  no_abandons.include_short_abandons = true;
  CHECK(sl(sl_formula::genesys, false, no_abandons) == doctest::Approx(0.75));
  genesys_switches flowouts;
  flowouts.include_flowouts = true;
  CHECK(sl(sl_formula::genesys, false, flowouts) == doctest::Approx(60.0 / 95));  // 80 + 10 + 5
  CHECK(sl(sl_formula::genesys, true, flowouts) == doctest::Approx(60.0 / 91));   // 60 + 4 + 2 + 25
  flowouts.include_short_abandons = true;
  CHECK(sl(sl_formula::genesys, false, flowouts) == doctest::Approx(0.6));  // 60 / 100
}

TEST_CASE("service level: every preset has no value, not 0 % nor NaN, when its denominator is 0") {
  for (int f = 0; f < ccpulse::metrics::sl_formula_count; ++f) {
    for (bool at_once : {false, true}) {
      sl_options o;
      o.formula = static_cast<sl_formula>(f);
      o.missed_at_once = at_once;
      CHECK_FALSE(ccpulse::metrics::service_level(kpi_counters{}, o));
    }
  }
  // Only short abandons: the default excludes them all.
  kpi_counters c;
  c.abandoned = c.short_abandoned = c.abandoned_within_T = 3;
  CHECK_FALSE(ccpulse::metrics::service_level(c, sl_options{}));
  // asterisk_sl2 counts them (as met).
  sl_options o;
  o.formula = sl_formula::asterisk_sl2;
  CHECK(*ccpulse::metrics::service_level(c, o) == doctest::Approx(1.0));
}

TEST_CASE("service level presets parse from their config names, and unknown names are an error") {
  using ccpulse::metrics::parse_sl_formula;
  for (int f = 0; f < ccpulse::metrics::sl_formula_count; ++f) {
    const auto formula = static_cast<sl_formula>(f);
    CHECK(parse_sl_formula(to_string(formula)) == formula);
    CHECK(std::string_view(ccpulse::metrics::sl_formula_names).find(to_string(formula)) !=
          std::string_view::npos);
  }
  CHECK(parse_sl_formula("default") == sl_formula::default_);
  CHECK(parse_sl_formula("amazon_connect") == sl_formula::amazon_connect);
  CHECK_FALSE(parse_sl_formula("Default"));
  CHECK_FALSE(parse_sl_formula("genesys "));
  CHECK_FALSE(parse_sl_formula(""));
  CHECK_FALSE(parse_sl_formula("cisco"));
}

TEST_CASE("abandonment rate: abandoned not short / (offered - short abandons)") {
  CHECK(*ccpulse::metrics::abandonment_rate(window()) == doctest::Approx(10.0 / 95));
  kpi_counters c;  // more short abandons than offers in this window (offers were earlier)
  c.offered = 2;
  c.abandoned = c.short_abandoned = 3;
  CHECK_FALSE(ccpulse::metrics::abandonment_rate(c));
  CHECK_FALSE(ccpulse::metrics::abandonment_rate(kpi_counters{}));
}

TEST_CASE("ASA, AHT, escalation and transfer rates per handled contact") {
  kpi_counters c;
  c.answered = 80;
  c.answered_wait_sum = 1200s;
  c.handled = 80;
  c.talk_sum = 30000s;
  c.hold_sum = 3000s;
  c.after_contact_work_sum = 6000s;
  c.escalations = 8;
  c.transfers = 4;
  CHECK(*ccpulse::metrics::average_speed_of_answer(c) == doctest::Approx(15.0));  // 1200 / 80
  CHECK(*ccpulse::metrics::average_handle_time(c) == doctest::Approx(487.5));     // 39000 / 80
  CHECK(*ccpulse::metrics::escalation_rate(c) == doctest::Approx(0.1));
  CHECK(*ccpulse::metrics::transfer_rate(c) == doctest::Approx(0.05));
  const kpi_counters none;
  CHECK_FALSE(ccpulse::metrics::average_speed_of_answer(none));
  CHECK_FALSE(ccpulse::metrics::average_handle_time(none));
  CHECK_FALSE(ccpulse::metrics::escalation_rate(none));
  CHECK_FALSE(ccpulse::metrics::transfer_rate(none));
}

TEST_CASE("FCR, CSAT share and mean, NPS and occupancy") {
  kpi_counters c;
  c.resolved = 30;
  c.resolved_first_contact = 24;
  for (int s : {5, 4, 3, 5, 1}) c.add_csat(s);
  for (int s : {10, 9, 8, 7, 6, 0, 9, 10, 3, 10}) c.add_nps(s);
  c.agent_on_contact = 45min;
  c.agent_available = 15min;
  CHECK(*ccpulse::metrics::first_contact_resolution(c) == doctest::Approx(0.8));
  CHECK(*ccpulse::metrics::csat_share(c) == doctest::Approx(0.6));           // 3 of 5 answered 4-5
  CHECK(*ccpulse::metrics::csat_mean(c) == doctest::Approx(3.6));            // 18 / 5
  CHECK(*ccpulse::metrics::net_promoter_score(c) == doctest::Approx(20.0));  // 100 × (5 - 3) / 10
  CHECK(*ccpulse::metrics::occupancy(c) == doctest::Approx(0.75));           // 45 / (45 + 15)
  kpi_counters detractors;
  for (int s : {0, 3, 6}) detractors.add_nps(s);
  CHECK(*ccpulse::metrics::net_promoter_score(detractors) == doctest::Approx(-100.0));
  const kpi_counters none;
  CHECK_FALSE(ccpulse::metrics::first_contact_resolution(none));
  CHECK_FALSE(ccpulse::metrics::csat_share(none));
  CHECK_FALSE(ccpulse::metrics::csat_mean(none));
  CHECK_FALSE(ccpulse::metrics::net_promoter_score(none));
  CHECK_FALSE(ccpulse::metrics::occupancy(none));
}
