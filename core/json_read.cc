#include "core/json_read.h"

#include <set>
#include <vector>

namespace profile {

namespace {

using json = nlohmann::json;

// The DOM builder of nlohmann, with every event passed through, that stops
// at the first key repeated in one object.
class StrictDom {
 public:
  StrictDom(json* root, const std::string& root_name) : dom_(*root, false), root_name_(root_name) {}

  bool null() { return value(), dom_.null(); }
  bool boolean(bool v) { return value(), dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return value(), dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value(), dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const std::string& t) { return value(), dom_.number_float(v, t); }
  bool binary(json::binary_t& v) { return value(), dom_.binary(v); }
  bool string(std::string& v) { return value(), dom_.string(v); }
  bool start_object(std::size_t n) {
    value();
    frames_.push_back({true, {}, 0, {}});
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    auto& f = frames_.back();
    if (!f.keys.insert(k).second) {
      duplicate_at = path(frames_.size() - 1);
      duplicate_key = k;
      return false;
    }
    f.key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    value();
    frames_.push_back({false, {}, 0, {}});
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error = e.what();
    return false;
  }

  std::optional<std::string> duplicate_at;
  std::string duplicate_key;
  std::string error;

 private:
  struct Frame {
    bool object;
    std::string key;  // object: the key whose value is being read
    size_t next;      // array: elements begun so far
    std::set<std::string> keys;
  };
  void value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next;
  }
  // The JSON path of the first `n` open containers, `root_name_` for none.
  std::string path(size_t n) const {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      const Frame& f = frames_[i];
      if (f.object) {
        if (!out.empty()) out += '.';
        out += f.key;
      } else {
        out += "[" + std::to_string(f.next - 1) + "]";
      }
    }
    return out.empty() ? root_name_ : out;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::string root_name_;
  std::vector<Frame> frames_;
};

}  // namespace

StrictJson parse_json_strict(const std::string& text, const std::string& root) {
  StrictJson out;
  StrictDom dom(&out.value, root);
  try {
    out.ok = json::sax_parse(text, &dom);
  } catch (const std::exception& e) {
    // sax_parse reports syntax errors through parse_error; anything thrown
    // (e.g. allocation) is still a refusal, never a crash.
    if (dom.error.empty()) dom.error = e.what();
    out.ok = false;
  }
  if (dom.duplicate_at) {
    out.ok = false;
    out.duplicate_at = dom.duplicate_at;
    out.duplicate_key = dom.duplicate_key;
  } else if (!out.ok) {
    out.syntax_error = dom.error;
  }
  if (!out.ok) out.value = json();
  return out;
}

std::optional<std::string> json_nesting_error(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return "JSON nested deeper than " + std::to_string(max_depth) + " levels";
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

std::optional<std::string> first_unknown_key(const nlohmann::json& obj,
                                             std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : obj.items()) {
    (void)v;
    bool known = false;
    for (const char* a : allowed) known = known || k == a;
    if (!known) return k;
  }
  return std::nullopt;
}

std::string strip_json_exception_prefix(const std::string& what) {
  if (!what.empty() && what[0] == '[') {
    size_t e = what.find("] ");
    if (e != std::string::npos) return what.substr(e + 2);
  }
  return what;
}

}  // namespace profile
