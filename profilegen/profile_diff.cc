#include "profilegen/profile_diff.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "core/path_pattern.h"

namespace profile {

namespace {

// A pattern as one token string: bytes 0..255 literal, then the wildcards.
// '/' separates components, so `*` can refuse to cross it.
enum : int { kTokStar = 256, kTokDoubleStar, kTokPid };

bool tokens_of(const std::string& pattern, std::vector<int>* out) {
  FlatPattern fp;
  if (!parse_path_pattern(pattern, &fp)) return false;
  out->clear();
  size_t comp = SIZE_MAX;
  for (const auto& part : fp.parts) {
    if (part.component != comp) {
      comp = part.component;
      out->push_back('/');
    }
    switch (part.kind) {
      case PatternPart::kLiteral:
        for (char c : fp.literal(part)) out->push_back(static_cast<unsigned char>(c));
        break;
      case PatternPart::kStar: out->push_back(kTokStar); break;
      case PatternPart::kDoubleStar: out->push_back(kTokDoubleStar); break;
      case PatternPart::kPid: out->push_back(kTokPid); break;
    }
  }
  if (out->empty()) out->push_back('/');
  return true;
}

// Beyond this many (outer, inner) token pairs the question is not decided:
// the table below is that large, and hostile patterns must not make a diff
// take more memory or time than that.
constexpr size_t kMaxCoverCells = size_t{1} << 22;

bool is_digit_tok(int t) { return t >= '0' && t <= '9'; }

// Table-driven, each (i, j) decided once: no backtracking, whatever the
// number of wildcards. ok[i][j]: outer[i..] covers inner[j..].
bool tokens_cover(const std::vector<int>& o, const std::vector<int>& in) {
  size_t n = o.size(), m = in.size();
  if ((n + 1) * (m + 1) > kMaxCoverCells) return false;
  std::vector<char> ok((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> char& { return ok[i * (m + 1) + j]; };
  at(n, m) = 1;
  for (size_t i = n + 1; i-- > 0;) {
    for (size_t j = m + 1; j-- > 0;) {
      if (i == n) {
        at(i, j) = j == m;
        continue;
      }
      int t = o[i];
      bool r = false;
      if (t == kTokDoubleStar) {
        r = at(i + 1, j) || (j < m && at(i, j + 1));
      } else if (t == kTokStar) {
        // `*` covers what stays inside one component: bytes but '/', and
        // the inner pattern's own `*` and @{pid}.
        r = at(i + 1, j) || (j < m && in[j] != '/' && in[j] != kTokDoubleStar && at(i, j + 1));
      } else if (t == kTokPid) {
        if (j < m && in[j] == kTokPid) r = at(i + 1, j + 1);
        if (!r && j < m) {
          size_t k = j;
          while (k < m && is_digit_tok(in[k])) ++k;
          if (k > j && (k == m || in[k] == '/')) r = at(i + 1, k);
          for (const char* word : {"self", "thread-self"}) {
            size_t len = std::char_traits<char>::length(word), q = 0;
            while (q < len && j + q < m && in[j + q] == word[q]) ++q;
            if (!r && q == len && (j + len == m || in[j + len] == '/')) r = at(i + 1, j + len);
          }
        }
      } else {
        r = j < m && in[j] == t && at(i + 1, j + 1);
      }
      at(i, j) = r;
    }
  }
  return at(0, 0);
}

uint32_t bits_of(const std::set<std::string>& names) {
  auto b = access_from_names(names);
  return b ? *b : 0;
}

// For each rule of `from`, the access kinds no rule of `against` grants on
// every path it matches.
std::map<std::string, std::set<std::string>> uncovered_files(
    const std::map<std::string, std::set<std::string>>& from,
    const std::map<std::string, std::set<std::string>>& against) {
  std::vector<std::pair<std::vector<int>, uint32_t>> outer;
  std::vector<int> toks;
  for (const auto& [pat, acc] : against)
    if (tokens_of(pat, &toks)) outer.emplace_back(toks, bits_of(acc));
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [pat, acc] : from) {
    uint32_t want = bits_of(acc), have = 0;
    auto it = against.find(pat);
    if (it != against.end()) have = bits_of(it->second);
    if ((want & ~have) != 0 && tokens_of(pat, &toks)) {
      for (const auto& [o, b] : outer) {
        if ((want & ~have & b) == 0) continue;
        if (tokens_cover(o, toks)) have |= b;
        if ((want & ~have) == 0) break;
      }
    }
    if ((want & ~have) != 0) out[pat] = access_to_names(want & ~have);
  }
  return out;
}

template <class T>
std::set<T> minus(const std::set<T>& a, const std::set<T>& b) {
  std::set<T> out;
  for (const auto& x : a)
    if (!b.count(x)) out.insert(x);
  return out;
}

bool allows_syscall(const Profile& p, const std::string& arch, const std::string& name) {
  auto it = p.syscalls.find(arch);
  return it != p.syscalls.end() && it->second.count(name) != 0;
}

const ArgRule* find_arg(const Profile& p, const std::string& arch, const std::string& sc, int index) {
  ArgRule key;
  key.arch = arch;
  key.syscall = sc;
  key.index = index;
  auto it = p.args.find(key);
  return it == p.args.end() ? nullptr : &*it;
}

// What `b` grants beyond `a`.
ProfileDelta beyond(const Profile& a, const Profile& b) {
  ProfileDelta d;
  for (const auto& [arch, names] : b.syscalls) {
    for (const auto& n : names)
      if (!allows_syscall(a, arch, n)) d.syscalls[arch].insert(n);
  }
  // Argument rules narrow a syscall both sides allow. A syscall only `b`
  // allows is already listed whole above.
  for (const auto& r : b.args) {
    if (!allows_syscall(b, r.arch, r.syscall) || !allows_syscall(a, r.arch, r.syscall)) continue;
    const ArgRule* old = find_arg(a, r.arch, r.syscall, r.index);
    if (old == nullptr) continue;  // `a` allows every value
    auto extra = minus(r.values, old->values);
    if (!extra.empty()) d.args.push_back(ArgChange{r.arch, r.syscall, r.index, extra, false});
  }
  for (const auto& r : a.args) {
    if (!allows_syscall(b, r.arch, r.syscall) || !allows_syscall(a, r.arch, r.syscall)) continue;
    if (find_arg(b, r.arch, r.syscall, r.index) == nullptr)
      d.args.push_back(ArgChange{r.arch, r.syscall, r.index, {}, true});
  }
  std::sort(d.args.begin(), d.args.end(), [](const ArgChange& x, const ArgChange& y) {
    return std::tie(x.arch, x.syscall, x.index) < std::tie(y.arch, y.syscall, y.index);
  });
  d.files = uncovered_files(b.files, a.files);
  d.network.sockets = minus(b.network.sockets, a.network.sockets);
  d.network.ports = minus(b.network.ports, a.network.ports);
  d.network.unix_sockets = minus(b.network.unix_sockets, a.network.unix_sockets);
  for (const auto& [c, e] : b.capabilities)
    if (!a.capabilities.count(c)) d.capabilities.insert(c);
  std::set<std::pair<std::string, std::string>> wa;
  for (const auto& w : a.widenings) wa.emplace(w.kind, w.rule);
  for (const auto& w : b.widenings)
    if (!wa.count({w.kind, w.rule})) d.widenings.emplace(w.kind, w.rule);
  return d;
}

std::string join(const std::set<std::string>& s, const char* sep) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : sep) + x;
  return out;
}

std::string socket_text(const SocketRule& s) {
  return s.family + " " + s.type + " protocol " + std::to_string(s.protocol);
}
std::string port_text(const PortRule& p) { return p.kind + " " + p.protocol + " " + std::to_string(p.port); }

nlohmann::json delta_json(const ProfileDelta& d) {
  using nlohmann::json;
  json j = json::object();
  json sc = json::object();
  for (const auto& [arch, names] : d.syscalls) sc[arch] = names;
  j["syscalls"] = sc;
  json args = json::array();
  for (const auto& a : d.args) {
    json x = {{"arch", a.arch}, {"syscall", a.syscall}, {"index", a.index}};
    if (a.unrestricted)
      x["unrestricted"] = true;
    else
      x["values"] = a.values;
    args.push_back(x);
  }
  j["arguments"] = args;
  json files = json::array();
  for (const auto& [p, acc] : d.files) files.push_back({{"path", p}, {"access", acc}});
  j["files"] = files;
  json socks = json::array(), ports = json::array();
  for (const auto& s : d.network.sockets)
    socks.push_back({{"family", s.family}, {"type", s.type}, {"protocol", s.protocol}});
  for (const auto& p : d.network.ports) ports.push_back({{"kind", p.kind}, {"protocol", p.protocol}, {"port", p.port}});
  j["network"] = {{"sockets", socks}, {"ports", ports}, {"unix_sockets", d.network.unix_sockets}};
  j["capabilities"] = d.capabilities;
  json w = json::array();
  for (const auto& [k, r] : d.widenings) w.push_back({{"kind", k}, {"rule", r}});
  j["widenings"] = w;
  return j;
}

}  // namespace

bool ProfileDelta::grants() const {
  return !syscalls.empty() || !args.empty() || !files.empty() || !network.sockets.empty() ||
         !network.ports.empty() || !network.unix_sockets.empty() || !capabilities.empty();
}

bool pattern_covers(const std::string& outer, const std::string& inner) {
  if (outer == inner) return true;
  std::vector<int> o, i;
  if (!tokens_of(outer, &o) || !tokens_of(inner, &i)) return false;
  return tokens_cover(o, i);
}

ProfileDiff diff_profiles(const Profile& old_p, const Profile& new_p) {
  return ProfileDiff{beyond(old_p, new_p), beyond(new_p, old_p)};
}

std::vector<std::string> delta_lines(const ProfileDelta& d) {
  std::vector<std::string> out;
  for (const auto& [arch, names] : d.syscalls)
    for (const auto& n : names) out.push_back("syscall " + arch + " " + n);
  for (const auto& a : d.args) {
    std::string v;
    for (uint64_t x : a.values) v += (v.empty() ? "" : ",") + std::to_string(x);
    out.push_back("argument " + a.arch + " " + a.syscall + " arg" + std::to_string(a.index) + " " +
                  (a.unrestricted ? std::string("any value") : "value(s) " + v));
  }
  for (const auto& [p, acc] : d.files) out.push_back("file " + quote_value(p, 4096) + " " + join(acc, ","));
  for (const auto& s : d.network.sockets) out.push_back("socket " + socket_text(s));
  for (const auto& p : d.network.ports) out.push_back("port " + port_text(p));
  for (const auto& u : d.network.unix_sockets) out.push_back("unix socket " + quote_value(u, 4096));
  for (const auto& c : d.capabilities) out.push_back("capability " + c);
  for (const auto& [k, r] : d.widenings) out.push_back("widening " + k + " " + quote_value(r, 4096));
  return out;
}

std::string diff_to_text(const ProfileDiff& d) {
  std::string out;
  for (const auto& l : delta_lines(d.added)) out += "+ " + l + "\n";
  for (const auto& l : delta_lines(d.dropped)) out += "- " + l + "\n";
  if (out.empty()) out = "no changes\n";
  return out;
}

std::string diff_to_json(const ProfileDiff& d) {
  nlohmann::json j = {{"added", delta_json(d.added)},
                      {"dropped", delta_json(d.dropped)},
                      {"grants_more", d.added.grants()}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace profile
