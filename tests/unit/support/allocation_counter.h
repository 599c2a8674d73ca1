#pragma once
// Counts operator new calls on this thread while a scope is open: the check
// behind "no allocation per event on the hot path" (DESIGN.md §12). The
// replacement operators live in allocation_counter.cpp, once for the whole
// unit-test binary.
#include <cstddef>

namespace ccpulse::test {

// Allocations counted on this thread since the last reset.
std::size_t allocations();

// Counts while alive; nested scopes are not supported (one at a time).
class allocation_scope {
 public:
  allocation_scope();
  ~allocation_scope();
  allocation_scope(const allocation_scope&) = delete;
  allocation_scope& operator=(const allocation_scope&) = delete;
  // Allocations counted since this scope opened.
  std::size_t count() const { return allocations(); }
};

}  // namespace ccpulse::test
