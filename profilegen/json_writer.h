// A streaming JSON writer whose output is byte for byte what nlohmann's
// dump(2) prints for the same document: 2-space indent, "key": value, "{}"
// and "[]" for empty containers, nlohmann's string escaping. The generated
// files were written with dump(2) before; writing them directly avoids a
// document tree of tens of thousands of small objects for large profiles.
// The caller emits object keys in the order the document should have (for
// a nlohmann::json object: sorted).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace profile {

class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(size_t reserve) { out_.reserve(reserve); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The key of the next value inside an object.
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(int64_t n);
  void value(int n) { value(static_cast<int64_t>(n)); }
  void value(uint64_t n);
  void value(bool b);

  // An array of strings from any range of string-likes.
  template <typename Range>
  void string_array(const Range& r) {
    begin_array();
    for (const auto& s : r) value(std::string_view(s));
    end_array();
  }

  // The text; the writer is empty afterwards.
  std::string take() { return std::move(out_); }

 private:
  void open(char c);
  void close(char c);
  // Separator and indentation before a value or key at the current level.
  void next_item();
  void string(std::string_view s);

  std::string out_;
  std::vector<size_t> counts_;  // items written so far, per open container
  bool after_key_ = false;
};

}  // namespace profile
