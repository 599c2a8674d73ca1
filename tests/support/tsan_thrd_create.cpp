// TSan builds only. librdkafka starts its threads with C11 thrd_create, which
// glibc implements without going through pthread_create, so GCC 12's TSan
// never sees those threads and crashes in its allocator on their first
// malloc. Defining thrd_create (and thrd_join, thrd_detach) here interposes it (the executable's symbol
// wins over libc's) and routes it through the intercepted pthread_create.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>

namespace {
struct start_args {
  thrd_start_t fn;
  void* arg;
};

void* trampoline(void* p) {
  auto* a = static_cast<start_args*>(p);
  const start_args copy = *a;
  delete a;
  return reinterpret_cast<void*>(static_cast<intptr_t>(copy.fn(copy.arg)));
}
}  // namespace

extern "C" int thrd_create(thrd_t* thr, thrd_start_t fn, void* arg) {
  auto* a = new start_args{fn, arg};
  const int rc = pthread_create(thr, nullptr, trampoline, a);
  if (rc != 0) {
    delete a;
    return rc == EAGAIN ? thrd_nomem : thrd_error;
  }
  return thrd_success;
}

// Its join and detach go through glibc internals too; route them likewise.
extern "C" int thrd_join(thrd_t thr, int* res) {
  void* value = nullptr;
  if (pthread_join(thr, &value) != 0) return thrd_error;
  if (res) *res = static_cast<int>(reinterpret_cast<intptr_t>(value));
  return thrd_success;
}

extern "C" int thrd_detach(thrd_t thr) { return pthread_detach(thr) == 0 ? thrd_success : thrd_error; }
