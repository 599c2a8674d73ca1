#pragma once
// The routes whose answers depend on the request itself or on the build
// only: the wallboard's files (ETag, 304), `/`, and /api/v1/at-risk's query
// check. The pipeline adds them beside the routes that read its state; the
// HTTP fuzz target adds the same ones, so it fuzzes the code that serves.
#include <functional>
#include <string>

#include "http/at_risk_json.h"
#include "http/server.h"

namespace ccpulse::http {

// /wallboard, /wallboard/, /wallboard/<file> and `/` (a redirect keeping
// the query: queues=, window=, lang=).
void add_wallboard_routes(server& s);

// /api/v1/at-risk: 400 naming the rules for a bad query, else the JSON
// `render` makes for the parsed query.
void add_at_risk_route(server& s, std::function<std::string(const at_risk_query&)> render);

}  // namespace ccpulse::http
