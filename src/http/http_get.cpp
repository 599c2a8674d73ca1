// Under -fsanitize=thread GCC 12 flags the std::atomic_thread_fence that Asio
// uses (-Wtsan); TSan cannot model fences, and Asio's own synchronisation is
// mutex-based, so the warning says nothing about our code. Must precede every
// include: the fence lives in <atomic>, pulled in by any standard header.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no -Wtsan
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#include "http/http_get.h"

#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// GCC 12 reports -Wnull-dereference inside Asio's scheduler once it is inlined
// into our code, even though it is a system header; silence it for Boost only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop

namespace ccpulse::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;  // `http` is our own namespace
using tcp = asio::ip::tcp;

// /metrics of a busy instance is a few MB; anything far larger is a bug.
constexpr std::uint64_t max_body_bytes = 64ULL * 1024 * 1024;

// An IPv6 literal goes in brackets so a following ":port" is not ambiguous.
std::string bracketed(std::string_view host) {
  if (host.find(':') == std::string_view::npos) return std::string(host);
  std::string s = "[";
  s += host;
  s += ']';
  return s;
}

std::string endpoint_name(std::string_view host, std::uint16_t port) {
  return bracketed(host) + ':' + std::to_string(port);
}

// One exchange as a chain of async steps on a private io_context, so a single
// timer can bound all of it (Beast's synchronous calls have no timeout).
class get_operation {
 public:
  get_operation(const std::string& host, std::uint16_t port, const std::string& target,
                std::chrono::milliseconds timeout)
      : _host(host), _port(port), _timeout(timeout), _request{bhttp::verb::get, target, 11} {
    _request.set(bhttp::field::host, port == 80 ? bracketed(host) : endpoint_name(host, port));
    _request.set(bhttp::field::user_agent, "ccpulse-http-get");
    _request.keep_alive(false);
    _parser.body_limit(max_body_bytes);
  }

  fetch_result run(const std::string& what) {
    _deadline.expires_after(_timeout);
    _deadline.async_wait([this](beast::error_code ec) {
      if (ec || _done) return;
      _timed_out = true;
      _resolver.cancel();
      _stream.close();
    });
    start();
    _ioc.run();

    if (_timed_out) {
      throw std::system_error(std::make_error_code(std::errc::timed_out),
                              what + ": no complete response within " + std::to_string(_timeout.count()) +
                                  " ms (while " + _step + ")");
    }
    if (_failure) throw std::system_error(_failure, what + ": " + _step);
    auto& res = _parser.get();
    return fetch_result{res.result_int(), std::string(res[bhttp::field::content_type]),
                        std::move(res.body())};
  }

 private:
  void start() {
    // An IP literal needs no resolver; a DNS name may overrun the timeout by
    // as long as getaddrinfo blocks (it cannot be interrupted).
    beast::error_code ec;
    const auto address = asio::ip::make_address(_host, ec);
    if (!ec) {
      connect(std::vector<tcp::endpoint>{tcp::endpoint(address, _port)});
      return;
    }
    _step = "resolve";
    _resolver.async_resolve(_host, std::to_string(_port), tcp::resolver::numeric_service,
                            [this](beast::error_code resolve_ec, tcp::resolver::results_type results) {
                              if (resolve_ec) return finish(resolve_ec);
                              connect(std::vector<tcp::endpoint>(results.begin(), results.end()));
                            });
  }

  void connect(std::vector<tcp::endpoint> endpoints) {
    _step = "connect";
    _endpoints = std::move(endpoints);
    _stream.async_connect(_endpoints, [this](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return finish(ec);
      _step = "send";
      bhttp::async_write(_stream, _request, [this](beast::error_code write_ec, std::size_t) {
        if (write_ec) return finish(write_ec);
        _step = "receive";
        bhttp::async_read(_stream, _buffer, _parser,
                          [this](beast::error_code read_ec, std::size_t) { finish(read_ec); });
      });
    });
  }

  void finish(beast::error_code ec) {
    _done = true;
    _failure = ec;
    _deadline.cancel();
    beast::error_code ignored;
    _stream.socket().close(ignored);
  }

  std::string _host;
  std::uint16_t _port;
  std::chrono::milliseconds _timeout;
  asio::io_context _ioc{1};
  tcp::resolver _resolver{_ioc};
  beast::tcp_stream _stream{_ioc};
  asio::steady_timer _deadline{_ioc};
  std::vector<tcp::endpoint> _endpoints;
  bhttp::request<bhttp::empty_body> _request;
  beast::flat_buffer _buffer;
  bhttp::response_parser<bhttp::string_body> _parser;
  std::string _step = "connect";
  beast::error_code _failure;
  bool _done = false;
  bool _timed_out = false;
};

}  // namespace

fetch_result http_get(const std::string& host, std::uint16_t port, const std::string& target,
                      std::chrono::milliseconds timeout) {
  const std::string what = "http_get http://" + endpoint_name(host, port) + target;
  if (target.empty() || target.front() != '/') {
    throw std::invalid_argument(what + ": target must start with '/'");
  }
  if (timeout <= std::chrono::milliseconds::zero()) {
    throw std::invalid_argument(what + ": timeout must be positive");
  }
  get_operation op(host, port, target, timeout);
  return op.run(what);
}

}  // namespace ccpulse::http
