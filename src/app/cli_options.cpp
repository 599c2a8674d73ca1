#include "app/cli_options.h"

#include <cctype>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "app/commands.h"
#include "config/duration_parse.h"

namespace ccpulse::app {

namespace {

// Fixed-width decimal field of `text` at [pos, pos + n); nullopt unless all digits.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

bool parse_options(const std::string& command, const po::options_description& desc,
                   const std::vector<std::string>& args, po::variables_map& vm, int& exit_code) {
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: ccpulse " << command << " [options]\n" << desc;
      exit_code = exit_ok;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "ccpulse " << command << ": " << e.what() << "\n" << desc;
    exit_code = exit_usage;
    return false;
  }
  return true;
}

duration parse_duration_option(const std::string& option, const std::string& text) {
  auto r = config::parse_duration(text);
  if (!r.ok()) throw std::invalid_argument("--" + option + " " + text + ": " + r.error);
  return r.value;
}

instant parse_rfc3339(const std::string& option, std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("--" + option + " " + std::string(text) + ": " + why +
                                 " (expected RFC 3339 like 2026-12-01T08:00:00Z)");
  };
  const auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    throw bad("not a date-time");
  const std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) throw bad("no such date");
  if (*h > 23 || *mi > 59 || *s > 59) throw bad("no such time of day");
  std::size_t pos = 19;
  duration fraction{};
  if (pos < text.size() && text[pos] == '.') {
    std::size_t n = 0;
    std::int64_t us = 0;
    while (pos + 1 + n < text.size() && std::isdigit(static_cast<unsigned char>(text[pos + 1 + n]))) {
      if (n == 6) throw bad("finer than microseconds");
      us = us * 10 + (text[pos + 1 + n] - '0');
      ++n;
    }
    if (n == 0) throw bad("no digits after '.'");
    for (std::size_t i = n; i < 6; ++i) us *= 10;
    fraction = duration{us};
    pos += 1 + n;
  }
  std::chrono::minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const auto oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (!oh || !om || text[pos + 3] != ':' || *oh > 23 || *om > 59) throw bad("bad UTC offset");
    offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    throw bad("no time zone: end it with Z for UTC");
  }
  if (pos != text.size()) throw bad("trailing characters");
  return std::chrono::sys_days{ymd} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
         std::chrono::seconds{*s} + fraction - offset;
}

std::string format_rfc3339(instant t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                        static_cast<int>(hms.seconds().count()));
  if (hms.subseconds().count() != 0)
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(hms.subseconds().count()));
  std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "Z");
  return buf;
}

}  // namespace ccpulse::app
