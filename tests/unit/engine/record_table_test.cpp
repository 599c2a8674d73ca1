#include "engine/record_table.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <random>
#include <set>

namespace {

using ccpulse::engine::record_table;

struct rec {
  std::uint64_t value = 0;
  int touched = 0;
};

}  // namespace

TEST_CASE("record_table creates value-initialised records and finds them again") {
  record_table<rec> t;
  auto [it, created] = t.try_emplace(42);
  CHECK(created);
  CHECK(it->first == 42);
  CHECK(it->second.value == 0);
  it->second.value = 7;
  auto [again, created_again] = t.try_emplace(42);
  CHECK_FALSE(created_again);
  CHECK(again->second.value == 7);
  CHECK(t.find(42) != t.end());
  CHECK(t.find(43) == t.end());
  CHECK(t.size() == 1);
}

TEST_CASE("record_table keeps a record's address while thousands of others come and go") {
  record_table<rec> t;
  rec* first = &t.try_emplace(1).first->second;
  first->value = 11;
  for (std::uint64_t k = 2; k < 20000; ++k) t.try_emplace(k).first->second.value = k;
  for (std::uint64_t k = 2; k < 20000; k += 2) t.erase(t.find(k));
  CHECK(&t.find(1)->second == first);
  CHECK(first->value == 11);
  CHECK(t.size() == 1 + 19998 / 2);
}

TEST_CASE("record_table reuses an erased slot for a fresh, value-initialised record") {
  record_table<rec> t;
  rec* a = &t.try_emplace(5).first->second;
  a->value = 99;
  a->touched = 3;
  t.erase(t.find(5));
  CHECK(t.find(5) == t.end());
  rec* b = &t.try_emplace(6).first->second;
  CHECK(b == a);  // the free slot goes first
  CHECK(b->value == 0);
  CHECK(b->touched == 0);
}

TEST_CASE(
    "record_table agrees with std::map over random creates, updates and erases, and iterates every record "
    "once") {
  record_table<rec> t;
  std::map<std::uint64_t, std::uint64_t> model;
  std::mt19937_64 rng(17);
  for (int step = 0; step < 50000; ++step) {
    const std::uint64_t k = rng() % 3000;
    switch (rng() % 3) {
      case 0: {
        auto [it, created] = t.try_emplace(k);
        CHECK(created == (model.count(k) == 0));
        it->second.value = static_cast<std::uint64_t>(step);
        model[k] = static_cast<std::uint64_t>(step);
        break;
      }
      case 1: {
        auto it = t.find(k);
        REQUIRE((it != t.end()) == (model.count(k) == 1));
        if (it != t.end()) CHECK(it->second.value == model[k]);
        break;
      }
      default: {
        auto it = t.find(k);
        if (it != t.end()) t.erase(it);
        model.erase(k);
      }
    }
  }
  CHECK(t.size() == model.size());
  std::map<std::uint64_t, std::uint64_t> seen;
  const auto& ct = t;
  for (const auto& [k, r] : ct) CHECK(seen.emplace(k, r.value).second);
  CHECK(seen == model);
  // The slot-order walk visits the same records, each once (values are
  // unique: the step that last wrote them).
  std::multiset<std::uint64_t> walked, wanted;
  ct.for_each_record([&](const rec& r) { walked.insert(r.value); });
  for (const auto& [k, v] : model) wanted.insert(v);
  CHECK(walked == wanted);
}
