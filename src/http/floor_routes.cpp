#include "http/floor_routes.h"

#include <utility>

#include "http/embedded_assets.h"
#include "http/etag_match.h"

namespace ccpulse::http {

namespace {

// no-cache: a TV revalidates every load and gets a 304 while the binary is
// the same, the new files right after an upgrade.
response page(const asset& a, const request& req) {
  const bool unchanged = etag_matches(req.if_none_match, a.etag);
  response r{unchanged ? 304U : 200U, std::string(a.content_type),
             unchanged ? std::string() : std::string(a.body)};
  r.headers = {{"Cache-Control", "no-cache"},
               {"ETag", std::string(a.etag)},
               {"Content-Security-Policy", "default-src 'self'; img-src 'self' data:"}};
  return r;
}

}  // namespace

void add_wallboard_routes(server& s) {
  if (const auto index = find_asset("index.html")) {
    s.route("/wallboard", [a = *index](const request& r) { return page(a, r); });
    s.route("/wallboard/", [a = *index](const request& r) { return page(a, r); });
  }
  for (const auto& a : all_assets())
    s.route("/wallboard/" + std::string(a.path), [a](const request& r) { return page(a, r); });
  s.route("/", [](const request& r) {
    response out{302, "text/plain; charset=utf-8", "the wallboard is at /wallboard\n"};
    out.headers = {
        {"Location", r.query.empty() ? std::string("/wallboard") : "/wallboard?" + std::string(r.query)}};
    return out;
  });
}

void add_at_risk_route(server& s, std::function<std::string(const at_risk_query&)> render) {
  s.route("/api/v1/at-risk", [render = std::move(render)](const request& r) {
    at_risk_query q;
    if (!parse_at_risk_query(r.query, q))
      return response{400, "text/plain; charset=utf-8",
                      "limit must be a whole number from 1 to " + std::to_string(at_risk_max_limit) +
                          ", scope cluster or instance\n"};
    return response{200, "application/json", render(q)};
  });
}

}  // namespace ccpulse::http
