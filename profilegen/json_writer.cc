#include "profilegen/json_writer.h"

#include <nlohmann/json.hpp>

namespace profile {

void JsonWriter::next_item() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (counts_.empty()) return;
  out_ += counts_.back()++ == 0 ? "\n" : ",\n";
  out_.append(2 * counts_.size(), ' ');
}

void JsonWriter::open(char c) {
  next_item();
  out_.push_back(c);
  counts_.push_back(0);
}

void JsonWriter::close(char c) {
  bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) {
    out_.push_back('\n');
    out_.append(2 * counts_.size(), ' ');
  }
  out_.push_back(c);
}

void JsonWriter::key(std::string_view k) {
  next_item();
  string(k);
  out_ += ": ";
  after_key_ = true;
}

void JsonWriter::value(std::string_view s) {
  next_item();
  string(s);
}

void JsonWriter::value(int64_t n) {
  next_item();
  out_ += std::to_string(n);
}

void JsonWriter::value(uint64_t n) {
  next_item();
  out_ += std::to_string(n);
}

void JsonWriter::value(bool b) {
  next_item();
  out_ += b ? "true" : "false";
}

void JsonWriter::string(std::string_view s) {
  const size_t start = out_.size();
  out_.push_back('"');
  size_t run = 0;  // start of the characters not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u < 0x80 && u != '"' && u != '\\') continue;
    if (u >= 0x80) {
      // UTF-8 is nlohmann's to check and copy: the same text, or the same
      // exception for invalid input, as before.
      out_.resize(start);
      out_ += nlohmann::json(std::string(s)).dump();
      return;
    }
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (u) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\t': out_ += "\\t"; break;
      case '\n': out_ += "\\n"; break;
      case '\f': out_ += "\\f"; break;
      case '\r': out_ += "\\r"; break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_.push_back(kHex[u >> 4]);
        out_.push_back(kHex[u & 0xf]);
      }
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_.push_back('"');
}

}  // namespace profile
