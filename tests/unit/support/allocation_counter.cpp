#include "support/allocation_counter.h"

// The replacements below pair malloc with free on purpose; GCC sees the
// inlined std::allocator calls and warns about a mismatch that is not one.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <cstdlib>
#include <new>

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations_seen = 0;
}  // namespace

namespace ccpulse::test {
std::size_t allocations() { return allocations_seen; }
allocation_scope::allocation_scope() {
  allocations_seen = 0;
  counting = true;
}
allocation_scope::~allocation_scope() { counting = false; }
}  // namespace ccpulse::test

// Replaced for the whole unit-test binary; counts only inside a scope.
void* operator new(std::size_t n) {
  if (counting) ++allocations_seen;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting) ++allocations_seen;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
