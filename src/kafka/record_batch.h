#pragma once
// Records bound for one topic partition, kept until they are produced in one
// call (transactional_producer::produce_batch): keys and values side by side
// in one byte buffer, and an entry per record with its offsets. clear()
// keeps both buffers' capacity, so a batch reused for drains of the same
// size allocates nothing after the first. Pure storage: no librdkafka here.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccpulse::kafka {

class record_batch {
 public:
  // A put; key and value are copied.
  void put(std::string_view key, std::string_view value) { add(key, value, false); }
  // A tombstone (null value): deletes the key on a compacted topic.
  void put_tombstone(std::string_view key) { add(key, {}, true); }

  std::size_t size() const { return _entries.size(); }
  bool empty() const { return _entries.empty(); }
  // Forgets the records, keeps the storage.
  void clear() {
    _entries.clear();
    _bytes.clear();
  }

  // Record i's parts; the views (and pointers) stay valid until the next
  // put or clear.
  std::string_view key(std::size_t i) const {
    return {_bytes.data() + _entries[i].offset, _entries[i].key_size};
  }
  std::string_view value(std::size_t i) const {
    const auto& e = _entries[i];
    return {_bytes.data() + e.offset + e.key_size, e.value_size};
  }
  bool tombstone(std::size_t i) const { return _entries[i].tombstone; }

  // What the storage holds without growing (the reuse check in tests).
  std::size_t byte_capacity() const { return _bytes.capacity(); }
  std::size_t record_capacity() const { return _entries.capacity(); }

 private:
  struct entry {
    std::size_t offset;  // of the key; the value follows it
    std::size_t key_size;
    std::size_t value_size;
    bool tombstone;
  };
  void add(std::string_view key, std::string_view value, bool tombstone) {
    _entries.push_back({_bytes.size(), key.size(), value.size(), tombstone});
    _bytes.append(key);
    _bytes.append(value);
  }

  std::string _bytes;
  std::vector<entry> _entries;
};

}  // namespace ccpulse::kafka
