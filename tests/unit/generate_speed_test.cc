// Profile generation at scale: a synthetic recording of tens of thousands of
// files goes through the optimised code paths, and every output is checked
// against a straightforward reference computation (the algorithms as they
// were before they were optimised) or against nlohmann's own serialisation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "profilegen/apparmor.h"
#include "profilegen/files.h"
#include "profilegen/json_writer.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/policy.h"
#include "profilegen/render.h"

namespace profile {
namespace {

Result<FlatPattern> parse_pattern(const std::string& pattern) {
  FlatPattern f;
  PROFILE_TRY(parse_path_pattern(pattern, &f));
  return f;
}

// ---- Reference: file generalisation, one map insertion and one pattern
// parse at a time.

struct RefComp {
  std::string text;
  bool literal = true;
};

bool ref_split(const std::string& path, std::vector<std::string>* out) {
  if (path.empty() || path[0] != '/' || path.size() > 4096) return false;
  if (path.find('\0') != std::string::npos) return false;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string c = path.substr(i, j - i);
    i = j + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!out->empty()) out->pop_back();
      continue;
    }
    out->push_back(c);
    if (out->size() > 1024) return false;
  }
  return true;
}

std::string ref_join(const std::vector<RefComp>& comps) {
  if (comps.empty()) return "/";
  std::string s;
  for (const auto& c : comps) s += "/" + c.text;
  return s;
}

bool ref_digits(const std::string& s) {
  return !s.empty() && s.size() <= 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void ref_volatile(const std::vector<std::string>& raw, std::vector<RefComp>* out) {
  for (const auto& c : raw) out->push_back(RefComp{escape_pattern_literal(c), true});
  auto& v = *out;
  auto is = [&](size_t i, const char* s) { return i < v.size() && v[i].literal && v[i].text == s; };
  auto digits = [&](size_t i) { return i < v.size() && v[i].literal && ref_digits(v[i].text); };
  if (is(0, "proc") && v.size() >= 2) {
    size_t pid_at = 1;
    if (is(1, "thread-self")) {
      v[1] = {"@{pid}", false};
      v.insert(v.begin() + 2, RefComp{"task", true});
      v.insert(v.begin() + 3, RefComp{"@{pid}", false});
      pid_at = 3;
    } else if (is(1, "self") || digits(1)) {
      v[1] = {"@{pid}", false};
      if (is(2, "task") && digits(3)) {
        v[3] = {"@{pid}", false};
        pid_at = 3;
      }
    } else {
      return;
    }
    if ((is(pid_at + 1, "fd") || is(pid_at + 1, "fdinfo")) && digits(pid_at + 2)) v[pid_at + 2] = {"*", false};
    return;
  }
  if (is(0, "dev") && (is(1, "fd") || is(1, "pts")) && digits(2)) v[2] = {"*", false};
}

std::string ref_extension(const std::string& base) {
  auto d = base.find_last_of('.');
  if (d == std::string::npos || d == 0) return "";
  return base.substr(d);
}

std::string ref_parent(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == 0 || s == std::string::npos ? "/" : p.substr(0, s);
}

bool ref_loader(const std::string& pat, uint32_t bits) {
  std::string base = pat.substr(pat.find_last_of('/') + 1);
  return (bits & kAccessMmapExec) && base.rfind("ld-", 0) == 0 && base.find(".so") != std::string::npos &&
         pat.find_first_of("*@") == std::string::npos;
}

// docs/generalisation.md: created trees, then read-only content trees.
void ref_fold_trees(std::map<std::string, uint32_t>* rules) {
  std::set<std::string> created;
  for (const auto& [pat, bits] : *rules)
    if ((bits & kAccessCreate) && (bits & kAccessList) && !no_directory_grant(ref_parent(pat)) &&
        !sensitive_entry(pat, true))
      created.insert(pat);
  std::map<std::string, uint32_t> trees;
  for (auto it = rules->begin(); it != rules->end();) {
    std::string root;
    for (std::string d = ref_parent(it->first); d != "/"; d = ref_parent(d))
      if (created.count(d)) root = d;
    if (root.empty()) {
      ++it;
      continue;
    }
    trees[root + "/**"] |= it->second;
    it = rules->erase(it);
  }
  // Own creations (docs/generalisation.md): read, write, create, delete
  // beyond what was recorded, except in the shared temporary directories.
  constexpr uint32_t own = kAccessRead | kAccessWrite | kAccessCreate | kAccessDelete;
  auto holds = [](const std::string& d) {
    FlatPattern t, a;
    if (!parse_path_pattern(d + "/**", &t)) return true;
    for (const auto& sp : sensitive_paths())
      if (!parse_path_pattern(sp.pattern, &a) || pattern_may_reach(t, a)) return true;
    return false;
  };
  auto shared = [&holds](const std::string& d) { return d == "/tmp" || d == "/var/tmp" || d == "/dev/shm" || holds(d); };
  for (const auto& [t, b] : trees) {
    std::string root = t.substr(0, t.size() - 3);
    bool plain = !shared(ref_parent(root)) && root.find_first_of("*@") == std::string::npos;
    (*rules)[t] |= plain ? b | own | kAccessList : b;
  }
  for (auto& [pat, bits] : *rules) {
    std::string parent = ref_parent(pat);
    bool literal = true;  // no wildcard outside an escape (\*, \xHH)
    for (size_t i = 0; i < pat.size() && literal; ++i) {
      if (pat[i] == '\\') {
        i += i + 1 < pat.size() && pat[i + 1] == 'x' ? 3 : 1;
        continue;
      }
      literal = pat[i] != '*' && pat[i] != '@';
    }
    if (!(bits & kAccessCreate) || (bits & kAccessLink) || !literal || no_directory_grant(parent) ||
        shared(parent) || ref_parent(parent) == "/" || sensitive_entry(pat, true))
      continue;
    bits |= (bits & kAccessList) ? uint32_t{kAccessDelete} : own;
  }

  constexpr uint32_t ro = kAccessRead | kAccessMmapExec | kAccessList;
  auto folds = [](const std::string& m, uint32_t b) { return (b & ~ro) == 0 && !ref_loader(m, b); };
  std::map<std::string, size_t> files;
  for (const auto& [pat, bits] : *rules) {
    std::vector<std::string> c;
    ref_split(pat, &c);
    if (c.size() < 3) continue;
    bool area = c[0] == "usr" || c[0] == "opt" || c[0] == "srv" || c[0] == "lib" || c[0] == "lib32" ||
                c[0] == "lib64" || c[0] == "libx32" || (c[0] == "var" && c[1] == "www");
    std::string root = "/" + c[0] + "/" + c[1] + (c.size() >= 4 ? "/" + c[2] : "");
    if (!area || root.find_first_of("*@") != std::string::npos || write_widening_root(root)) continue;
    if (folds(pat, bits) && (bits & (kAccessRead | kAccessMmapExec))) ++files[root];
  }
  std::set<std::string> qualified;
  for (const auto& [root, n] : files) {
    bool writes = false;
    for (const auto& [pat, bits] : *rules)
      writes = writes || (pat.rfind(root + "/", 0) == 0 && (bits & kWideningWriteBits));
    if (n >= kContentTreeThreshold && !writes) qualified.insert(root);
  }
  std::map<std::string, uint32_t> trees2;
  for (auto it = rules->begin(); it != rules->end();) {
    std::string top;
    for (std::string d = ref_parent(it->first); d != "/"; d = ref_parent(d))
      if (qualified.count(d)) top = d;
    if (top.empty() || !folds(it->first, it->second)) {
      ++it;
      continue;
    }
    trees2[top + "/**"] |= it->second | kAccessRead | kAccessList;
    it = rules->erase(it);
  }
  for (const auto& [t, b] : trees2) (*rules)[t] |= b;
}

std::map<std::string, std::set<std::string>> reference_generalise_files(const Observations& obs) {
  std::map<std::string, uint32_t> observed = obs.files;
  for (const auto& e : obs.execs) observed[e] |= kAccessExecute | kAccessRead;
  std::map<std::string, std::string> temp_rewrites;
  std::vector<std::pair<std::vector<RefComp>, uint32_t>> paths;
  for (const auto& [path, bits] : observed) {
    std::vector<std::string> raw;
    if (!ref_split(path, &raw)) continue;
    std::vector<RefComp> comps;
    ref_volatile(raw, &comps);
    bool system_parent = comps.size() == 1 || (comps.size() == 2 && write_widening_root("/" + comps[0].text));
    if ((bits & kAccessCreate) && !comps.empty() && comps.back().literal && !system_parent) {
      std::string stem, ext;
      if (split_temp_name(raw.back(), (bits & kAccessDelete) != 0, &stem, &ext))
        temp_rewrites[ref_join(comps)] = escape_pattern_literal(stem) + "*" + escape_pattern_literal(ext);
    }
    paths.emplace_back(std::move(comps), bits);
  }
  std::map<std::string, uint32_t> rules;
  for (auto& [comps, bits] : paths) {
    std::string prefix;
    for (auto& c : comps) {
      prefix += "/" + c.text;
      if (!c.literal) continue;
      auto it = temp_rewrites.find(prefix);
      if (it != temp_rewrites.end()) c = {it->second, false};
    }
    uint32_t b = bits;
    if (b & kAccessMmapExec) b |= kAccessRead;
    // Over-long after escaping: the longest components become `*` (the
    // first longest one when several tie) until the pattern fits.
    while (ref_join(comps).size() > 4 * 4096) {
      size_t at = 0;
      for (size_t i = 1; i < comps.size(); ++i)
        if (comps[i].text.size() > comps[at].text.size()) at = i;
      if (comps.empty() || comps[at].text.size() <= 1) break;
      comps[at] = {"*", false};
    }
    rules[ref_join(comps)] |= b;
  }
  ref_fold_trees(&rules);
  std::map<std::pair<std::string, uint32_t>, std::vector<std::string>> groups;
  for (const auto& [pat, bits] : rules) {
    if (bits & kAccessList || ref_loader(pat, bits)) continue;
    auto comps = parse_pattern(pat);
    if (!comps || comps->components == 0 || !pattern_is_literal(*comps)) continue;
    auto s = pat.find_last_of('/');
    groups[{s == 0 ? "/" : pat.substr(0, s), bits}].push_back(pat);
  }
  for (const auto& [key, members] : groups) {
    if (members.size() < kCollapseThreshold) continue;
    if (write_widening_root(key.first) && (key.second & kWideningWriteBits)) continue;
    std::string ext = ref_extension(members.front().substr(members.front().find_last_of('/') + 1));
    for (const auto& m : members)
      if (ref_extension(m.substr(m.find_last_of('/') + 1)) != ext) ext.clear();
    for (const auto& m : members) rules.erase(m);
    rules[(key.first == "/" ? "" : key.first) + "/*" + ext] |= key.second;
  }
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [pat, bits] : rules)
    if (bits != 0) out[pat] = access_to_names(bits);
  return out;
}

// ---- Reference: profile.json as a nlohmann document.
std::string reference_profile_to_json(const Profile& p) {
  using nlohmann::json;
  json j = json::object();
  j["schema"] = p.schema;
  j["name"] = p.name;
  json sys = json::object();
  for (const auto& [arch, names] : p.syscalls) sys[arch] = names;
  j["syscalls"] = sys;
  json args = json::array();
  for (const auto& r : p.args)
    args.push_back({{"arch", r.arch}, {"syscall", r.syscall}, {"index", r.index}, {"values", r.values}});
  j["arguments"] = args;
  json files = json::array();
  for (const auto& [path, acc] : p.files) files.push_back({{"path", path}, {"access", acc}});
  j["files"] = files;
  json net = json::object();
  json socks = json::array();
  for (const auto& s : p.network.sockets)
    socks.push_back({{"family", s.family}, {"type", s.type}, {"protocol", s.protocol}});
  net["sockets"] = socks;
  json ports = json::array();
  for (const auto& r : p.network.ports) ports.push_back({{"kind", r.kind}, {"protocol", r.protocol}, {"port", r.port}});
  net["ports"] = ports;
  net["unix"] = p.network.unix_sockets;
  j["network"] = net;
  json caps = json::array();
  for (const auto& [name, ev] : p.capabilities)
    caps.push_back({{"name", name}, {"evidence", cap_evidence_name(ev.kind)}, {"reason", ev.reason}});
  j["capabilities"] = caps;
  j["recording"] = {{"tracer", p.recording.tracer},
                    {"complete", p.recording.complete},
                    {"lost_events", p.recording.lost_events}};
  if (!p.widenings.empty()) {
    json ws = json::array();
    for (const auto& w : p.widenings) {
      json ev = json::array();
      for (const auto& e : w.evidence) ev.push_back(escape_path_bytes(e));
      ws.push_back({{"kind", w.kind}, {"rule", escape_path_bytes(w.rule)}, {"reason", w.reason}, {"evidence", ev}});
    }
    j["widenings"] = ws;
  }
  return j.dump(2) + "\n";
}

// ---- Reference: a pattern in AppArmor syntax, one character at a time.
std::string reference_apparmor_glob(const std::string& pattern) {
  auto comps = parse_pattern(pattern);
  EXPECT_TRUE(comps.ok()) << pattern;
  if (!comps) return "";
  std::string out;
  bool quote = false;
  size_t component = SIZE_MAX;
  for (const auto& part : comps->parts) {
    if (part.component != component) {
      out += "/";
      component = part.component;
    }
    if (part.kind == PatternPart::kStar) out += "*";
    if (part.kind == PatternPart::kDoubleStar) out += "**";
    if (part.kind == PatternPart::kPid) out += "@{pid}";
    if (part.kind != PatternPart::kLiteral) continue;
    for (char ch : comps->literal(part)) {
      auto u = static_cast<unsigned char>(ch);
      if (std::string("*?[]{},^\"@").find(ch) != std::string::npos) out += "\\";
      // The names here are valid UTF-8; control bytes and the backslash
      // are spelled \xHH.
      if (ch == ' ' || ch == '#' || ch == '\\' || u < 0x20 || u == 0x7f || u >= 0x80) quote = true;
      if (u < 0x20 || u == 0x7f || ch == '\\') {
        char hex[8];
        snprintf(hex, sizeof(hex), "\\x%02x", u);
        out += hex;
        continue;
      }
      out += ch;
    }
  }
  if (out.empty()) out = "/";
  return quote ? "\"" + out + "\"" : out;
}

// ---- The synthetic recording.

// About 30k files in a deep tree: directories of 1 to 24 files (many above
// the collapse threshold), shared and mixed extensions, mixed access sets,
// plus every kind of path generalisation handles specially.
Observations big_recording(bool unrenderable) {
  std::mt19937 rng(20240611);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const uint32_t access_sets[] = {
      kAccessRead,
      kAccessRead,
      kAccessRead | kAccessMmapExec,
      kAccessRead | kAccessWrite,
      kAccessWrite | kAccessCreate,
      kAccessCreate | kAccessWrite | kAccessDelete,
      kAccessList,
      kAccessRead | kAccessList,
      kAccessLink,
      kAccessLock | kAccessChmod,
      kAccessAppend,
      kAccessRead | kAccessExecute,
  };
  const char* exts[] = {".so", ".h", ".txt", "", ".gz", ".py"};
  const char* odd[] = {"st*ar", "at@sign", "br{ace}", "com,ma", "sp ace", "ha#sh", "caf\xc3\xa9", "ctl\x01x",
                       "del\x7fx", "back\\slash", "quo\"te", "ca^ret", "q?m", "[br]"};
  Observations o;
  size_t files = 0;
  for (int top = 0; files < 30000; ++top) {
    std::string dir = "/srv/t" + std::to_string(top);
    int depth = 1 + static_cast<int>(pick(6));
    for (int d = 0; d < depth; ++d) dir += "/d" + std::to_string(pick(3));
    o.add_file(dir, kAccessList);
    size_t n = 1 + pick(24);
    bool same_ext = pick(2) == 0;
    uint32_t dir_bits = access_sets[pick(std::size(access_sets))];
    for (size_t i = 0; i < n; ++i) {
      std::string ext = exts[same_ext ? top % std::size(exts) : pick(std::size(exts))];
      std::string name = pick(40) == 0 ? odd[pick(std::size(odd))] : "f" + std::to_string(i);
      uint32_t bits = pick(5) == 0 ? access_sets[pick(std::size(access_sets))] : dir_bits;
      o.add_file(dir + "/" + name + ext, bits);
      ++files;
    }
  }
  // Per-run names.
  for (int pid : {1, 77, 4242}) {
    o.add_file("/proc/" + std::to_string(pid) + "/status", kAccessRead);
    o.add_file("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(pid % 9), kAccessRead);
    o.add_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid + 1) + "/stat", kAccessRead);
  }
  o.add_file("/proc/self/maps", kAccessRead);
  o.add_file("/proc/thread-self/comm", kAccessRead | kAccessWrite);
  o.add_file("/proc/sys/kernel/hostname", kAccessRead);
  o.add_file("/proc/sys/kernel/ns_last_pid", kAccessWrite);
  o.add_file("/proc/sys/vm/overcommit_memory", kAccessWrite);
  for (int i = 0; i < 12; ++i) o.add_file("/proc/" + std::to_string(i + 100) + "/cmdline", kAccessRead);
  o.add_file("/dev/pts/3", kAccessRead | kAccessWrite);
  o.add_file("/dev/fd/5", kAccessRead);
  o.add_file("/dev/null", kAccessWrite);
  o.add_file("/sys/kernel/mm/transparent_hugepage/enabled", kAccessRead);
  // Temp names: Python, mkstemp, and a mkdtemp directory with children.
  uint32_t tmp = kAccessCreate | kAccessWrite | kAccessRead | kAccessDelete;
  o.add_file("/tmp/tmpab12_xyz", tmp);
  o.add_file("/tmp/tmpq1w2e3r4.txt", tmp);
  o.add_file("/tmp/k2j_q9zx", tmp);
  o.add_file("/tmp/xyz.A8f3k2", tmp);
  o.add_file("/tmp/build.Xa9Qz2", kAccessCreate | kAccessList | kAccessDelete);
  for (int i = 0; i < 10; ++i) o.add_file("/tmp/build.Xa9Qz2/obj" + std::to_string(i) + ".o", tmp);
  o.add_file("/tmp/build.Xa9Qz2/sub.Qm3Zp8", kAccessCreate | kAccessList);
  o.add_file("/tmp/build.Xa9Qz2/sub.Qm3Zp8/deep", tmp);
  // Spelling that canonicalises, things that are not files, hostile input.
  o.add_file("/srv//t0/./d0/../x", kAccessRead);
  o.add_file("/../../etc/shadow", kAccessRead);
  o.add_file("pipe:[1234]", kAccessRead);
  o.add_file("anon_inode:[eventfd]", kAccessRead | kAccessWrite);
  o.add_file(std::string("/tmp/nul\0byte", 13), kAccessRead);
  o.add_file("/", kAccessList);
  // Siblings whose escaped pattern is over the length limit stay literal
  // (and no renderer takes them).
  if (unrenderable)
    for (int i = 0; i < 9; ++i) o.add_file("/long/" + std::string(2100, '{') + std::to_string(i), kAccessRead);
  // Executed images.
  o.execs.insert("/usr/bin/tool");
  o.execs.insert("/srv/t0/bin");
  o.add_file("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", kAccessRead | kAccessMmapExec);
  o.add_file("/usr/bin/tool", kAccessRead);
  return o;
}

Profile big_profile() {
  Observations o = big_recording(false);
  o.tracer = "ebpf";
  o.add_syscall("x86_64", 0);
  o.add_syscall("x86_64", 62);  // kill: signals are not scoped
  o.sockets.insert({1, 1, 0});
  o.ports.insert({PortUse::kBind, "tcp", 2, 8080});
  o.ports.insert({PortUse::kConnect, "udp", 2, 53});
  o.unix_sockets = {"/run/app.sock", "@abstract", "/tmp/sp ace.sock"};
  o.capabilities["NET_BIND_SERVICE"] = {CapEvidenceKind::kObserved, "bind tcp port 80 \"quoted\"\n"};
  auto p = profile_from_observations(o, "big \xc3\xa9 \"name\"\t");
  EXPECT_TRUE(p.ok()) << p.error().message;
  return *p;
}

const Observations& recording() {
  static const Observations o = big_recording(true);
  return o;
}

const Profile& profile_under_test() {
  static const Profile p = big_profile();
  return p;
}

TEST(GenerateSpeed, SyntheticRecordingExercisesEveryGeneralisation) {
  const auto& files = profile_under_test().files;
  EXPECT_GE(recording().files.size(), 30000u);
  size_t globs = 0, ext_globs = 0;
  for (const auto& [pat, acc] : files) {
    globs += pat.size() > 2 && pat.compare(pat.size() - 2, 2, "/*") == 0;
    ext_globs += pat.find("/*.") != std::string::npos;
  }
  EXPECT_GT(globs, 100u);
  EXPECT_GT(ext_globs, 100u);
  for (const char* want : {"/proc/@{pid}/status", "/proc/@{pid}/fd/*", "/proc/@{pid}/task/@{pid}/comm", "/dev/pts/*",
                           "/tmp/tmp*", "/tmp/build.*", "/tmp/build.*/**", "/srv/t0/x"})
    EXPECT_TRUE(files.count(want)) << want;
}

TEST(GenerateSpeed, GeneraliseFilesMatchesTheReference) {
  EXPECT_EQ(generalise_files(recording()), reference_generalise_files(recording()));
  // Small and degenerate inputs too.
  Observations empty;
  EXPECT_EQ(generalise_files(empty), reference_generalise_files(empty));
  Observations root;
  root.add_file("/", kAccessList);
  for (int i = 0; i < 9; ++i) root.add_file("/f" + std::to_string(i) + ".x", kAccessRead);
  EXPECT_EQ(generalise_files(root), reference_generalise_files(root));
}

TEST(GenerateSpeed, ProfileJsonMatchesTheNlohmannDocumentAndReadsBack) {
  const Profile& p = profile_under_test();
  std::string text = profile_to_json(p);
  EXPECT_EQ(text, reference_profile_to_json(p));
  auto back = profile_from_json(text, "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
  EXPECT_EQ(profile_to_json(Profile{}), reference_profile_to_json(Profile{}));
}

// The renderers parse every pattern into one reused FlatPattern: what the
// previous pattern left in it must not show in the next one.
TEST(GenerateSpeed, ReusedPatternParsesAsAFreshOne) {
  std::vector<std::string> patterns;
  for (const auto& [pat, acc] : profile_under_test().files) patterns.push_back(pat);
  for (const char* extra : {"/", "/*", "/**", "/a/**/b", "/tmp/a\\*b", "/x/pre*post", "/proc/@{pid}", "/a/b*/c",
                            "relative", "", "/tmp/[ab]", "/tmp/@{user}", "/tmp/x\\", "/tmp/../etc", "/a/x@{pid}",
                            "/tmp/{a,b}", "/a//b", "/a/./b", "/a/\\.", "/\x01", "/a\\/b", "/a/@{pid}x"})
    patterns.push_back(extra);
  std::shuffle(patterns.begin(), patterns.end(), std::mt19937(3));
  FlatPattern reused;
  for (const auto& pat : patterns) {
    FlatPattern fresh;
    auto want = parse_path_pattern(pat, &fresh);
    auto got = parse_path_pattern(pat, &reused);
    ASSERT_EQ(got.ok(), want.ok()) << pat;
    if (!got) {
      EXPECT_EQ(got.error().message, want.error().message);
      continue;
    }
    EXPECT_EQ(reused.components, fresh.components) << pat;
    ASSERT_EQ(reused.parts.size(), fresh.parts.size()) << pat;
    for (size_t k = 0; k < fresh.parts.size(); ++k) {
      EXPECT_EQ(reused.parts[k].kind, fresh.parts[k].kind) << pat;
      EXPECT_EQ(reused.parts[k].component, fresh.parts[k].component) << pat;
      EXPECT_EQ(reused.literal(reused.parts[k]), fresh.literal(fresh.parts[k])) << pat;
    }
    EXPECT_EQ(fixed_prefix(reused), fixed_prefix(fresh)) << pat;
    EXPECT_EQ(pattern_is_literal(reused), pattern_is_literal(fresh)) << pat;
  }
}

TEST(GenerateSpeed, AppArmorHasARuleForEveryPattern) {
  const Profile& p = profile_under_test();
  auto text = render_apparmor(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  std::set<std::string> targets;  // the path of every rule line
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 3 || line.compare(0, 2, "  ") != 0 || line.back() != ',') continue;
    auto sp = line.find_last_of(' ');
    targets.insert(line.substr(2, sp - 2));
  }
  for (const auto& [pat, acc] : p.files) {
    std::string glob = reference_apparmor_glob(pat);
    bool tree = pat.size() > 3 && pat.compare(pat.size() - 3, 3, "/**") == 0;  // files and directories alike
    if (acc.count("list") && !tree) {
      if (glob.back() == '"') {
        if (glob[glob.size() - 2] != '/') glob.insert(glob.size() - 1, "/");
      } else if (glob.back() != '/') {
        glob += "/";
      }
    }
    EXPECT_TRUE(targets.count(glob)) << pat << " -> " << glob;
  }
  // The workload writes below /proc: that hardening group is left out, naming
  // the first such rule. Its own /proc/<pid> files do not count.
  EXPECT_NE(text->find("# omitted (the recorded workload uses /proc/sys/kernel/ns_last_pid):"), std::string::npos);
  EXPECT_NE(text->find("  deny /sys/firmware/** rwklx,\n"), std::string::npos);
}

TEST(GenerateSpeed, LandlockJsonIsNlohmannFormattedAndCoversEveryRule) {
  const Profile& p = profile_under_test();
  auto text = render_landlock(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::ordered_json::parse(*text);
  EXPECT_EQ(j.dump(2) + "\n", *text);
  std::set<std::string> paths, notes, patterns;
  for (const auto& r : j["path_beneath"]) paths.insert(r["path"].get<std::string>());
  if (j.contains("path_pattern"))
    for (const auto& r : j["path_pattern"]) patterns.insert(r["pattern"].get<std::string>());
  for (const auto& n : j["notes"]) notes.insert(n.get<std::string>());
  for (const auto& [pat, acc] : p.files) {
    auto comps = parse_pattern(pat);
    ASSERT_TRUE(comps.ok()) << pat;
    std::string prefix = fixed_prefix(*comps);
    auto slash = prefix.find_last_of('/');
    std::string parent = slash == 0 ? "/" : prefix.substr(0, slash);
    // One-level patterns without directory rights go to the runner as
    // patterns, never as a rule on their directory.
    bool one_level = !pattern_is_literal(*comps) && !acc.count("create") && !acc.count("delete") && !acc.count("link");
    for (const auto& part : comps->parts)
      if (part.kind != PatternPart::kLiteral && (part.kind != PatternPart::kStar || part.component + 1 != comps->components))
        one_level = false;
    if (one_level) {
      bool mediated = false;  // lock and chmod are not Landlock rights
      for (const auto& a : acc) mediated = mediated || (a != "lock" && a != "chmod");
      EXPECT_EQ(patterns.count(pat), mediated ? 1u : 0u) << pat;
      EXPECT_TRUE(notes.count(pat + ": granted on the matching entries of " + prefix + " present when enforce starts")) << pat;
      continue;
    }
    if (notes.count(pat + ": not granted beneath " + prefix + ", it is in the sensitive area /sys (only a literal rule grants there)") ||
        notes.count(pat + ": not granted beyond reading beneath " + prefix +
                    ", it is in the sensitive area /sys (only a literal rule grants there)"))
      continue;
    EXPECT_TRUE(paths.count(prefix) || paths.count(parent)) << pat;
    if (pat.size() > 3 && pat.compare(pat.size() - 3, 3, "/**") == 0) {
      bool noted = notes.count(pat + ": granted beneath " + prefix) ||
                   notes.count(pat + ": granted beneath " + prefix + " for reading (a read-only tree)") ||
                   notes.count(pat + ": created by the workload during the recording; it does not exist when enforce "
                                     "starts, so the rights used in it are granted beneath " + parent +
                               ", where it is created again");
      EXPECT_TRUE(noted) << pat;
    } else if (!pattern_is_literal(*comps)) {
      EXPECT_TRUE(notes.count(pat + ": widened to everything beneath " + prefix +
                              " (Landlock rules are path-beneath, without patterns)"))
          << pat;
    }
  }
  ASSERT_EQ(j["net_port"].size(), 1u);
  EXPECT_EQ(j["net_port"][0]["port"], 8080);
}

// Documents with every kind of value, written through the writer and dumped
// by nlohmann, must be the same text.
TEST(GenerateSpeed, JsonWriterMatchesNlohmannDump) {
  std::mt19937 rng(7);
  auto random_string = [&] {
    std::string s;
    size_t n = rng() % 12;
    for (size_t i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0: s.push_back(static_cast<char>(rng() % 0x80)); break;  // any ASCII, controls included
        case 1: s += "\xc3\xa9"; break;
        case 2: s += "\xf0\x9f\x98\x80"; break;
        default: s.push_back(static_cast<char>('a' + rng() % 26));
      }
    }
    return s;
  };
  std::function<nlohmann::ordered_json(JsonWriter&, int)> value = [&](JsonWriter& w, int depth) {
    switch (depth > 3 ? rng() % 4 : rng() % 6) {
      case 0: {
        auto s = random_string();
        w.value(s);
        return nlohmann::ordered_json(s);
      }
      case 1: {
        int64_t n = static_cast<int64_t>(rng()) - (1ll << 31);
        w.value(n);
        return nlohmann::ordered_json(n);
      }
      case 2: {
        uint64_t n = (static_cast<uint64_t>(rng()) << 32) | rng();
        w.value(n);
        return nlohmann::ordered_json(n);
      }
      case 3: {
        bool b = rng() % 2;
        w.value(b);
        return nlohmann::ordered_json(b);
      }
      case 4: {
        auto a = nlohmann::ordered_json::array();
        w.begin_array();
        for (size_t i = rng() % 4; i > 0; --i) a.push_back(value(w, depth + 1));
        w.end_array();
        return a;
      }
      default: {
        auto o = nlohmann::ordered_json::object();
        w.begin_object();
        for (size_t i = rng() % 4; i > 0; --i) {
          std::string k = random_string() + std::to_string(i);  // unique keys
          w.key(k);
          o[k] = value(w, depth + 1);
        }
        w.end_object();
        return o;
      }
    }
  };
  for (int i = 0; i < 300; ++i) {
    JsonWriter w;
    auto doc = value(w, i % 2 == 0 ? 0 : 3);
    EXPECT_EQ(w.take(), doc.dump(2));
  }
  // Invalid UTF-8 fails as it did when nlohmann wrote the files.
  JsonWriter w;
  EXPECT_THROW(w.value(std::string("\xff")), nlohmann::json::type_error);
}

// profile.json's files array: what reads, and the message for each way it
// can be wrong (the reader has one path for every shape of input).
TEST(GenerateSpeed, FilesArrayReadsAsThroughTheDocument) {
  const std::string head = R"({"schema":1,"name":"a","syscalls":{},)";
  struct Ok {
    std::string text;
    std::map<std::string, std::set<std::string>> files;
  } oks[] = {
      {head + R"("files":[{"access":["read"],"path":"/b"},{"path":"/a","access":["write","read"]}]})",
       {{"/a", {"read", "write"}}, {"/b", {"read"}}}},
      // A path listed twice: the union.
      {head + R"("files":[{"path":"/x","access":[]},{"path":"/x","access":["read"]}]})", {{"/x", {"read"}}}},
      {R"({"files":[{"path":"/x","access":["read"]}],"schema":1,"name":"a","syscalls":{}})", {{"/x", {"read"}}}},
  };
  for (const auto& ok : oks) {
    auto p = profile_from_json(ok.text, "p.json");
    ASSERT_TRUE(p.ok()) << ok.text << ": " << p.error().message;
    EXPECT_EQ(p->files, ok.files) << ok.text;
  }
  struct Bad {
    std::string text;
    std::string message;
  } bads[] = {
      {head + R"("files":[{"path":"/x","access":["read"],"mode":1}]})", "p.json: files[0]: unknown key 'mode'"},
      {head + R"("files":[{"path":"/x"}]})", "p.json: files[0]: missing key 'access'"},
      {head + R"("files":[{"path":"/x","access":"read"}]})", "p.json: files[0].access: expected an array, got string"},
      {head + R"("files":[{"path":"/x","access":[1]}]})", "p.json: files[0].access: expected a string, got number"},
      {head + R"("files":[{"path":2,"access":["read"]}]})", "p.json: files[0].path: expected a string, got number"},
      {head + R"("files":{}})", "p.json: files: expected an array, got object"},
      {head + R"("files":[{"path":"/x","access":["read"]},{"path":"rel","access":["read"]}]})",
       "p.json: files[1].path: path 'rel' is not absolute"},
      {head + "\"files\":[{\"path\":\"/x\\u0000y\",\"access\":[\"read\"]}]}", "p.json: files[0].path: string contains a NUL byte"},
      {head + R"("files":[{"path":"/x","access":["read"]},{"path":"/y","access":["fly"]}]})",
       "p.json: files[1].access: unknown file access 'fly'"},
      {head + R"("files":[{"path":"/)" + std::string(17000, 'a') + R"(","access":["read"]}]})",
       "p.json: files[0].path: string longer than 16384 bytes"},
      {R"({"schema":1,"name":"a","syscalls":{"vax":[]},"files":[{"path":"rel","access":[]}]})",
       "p.json: syscalls.vax: unknown architecture 'vax'"},
      {head + R"("network":{"files":[]}})", "p.json: network: unknown key 'files'"},
      {head + R"("files":[{"path":"/x","access":["read"]}],"files":3})",
       "p.json: profile: duplicate key 'files' (each key may appear once)"},
      {head + R"("files":[[]]})", "p.json: files[0]: expected an object, got array"},
      // Repeated keys: refused, or a reviewer and the tool could read different rules.
      {head + R"("files":[{"path":"/x","path":"/y","access":["read"]}]})",
       "p.json: files[0]: duplicate key 'path' (each key may appear once)"},
      {head + R"("files":[{"path":"/x","access":["read"]}],"files":[{"path":"/z","access":["read"]}]})",
       "p.json: profile: duplicate key 'files' (each key may appear once)"},
      {R"([{"files":[1]}])", "p.json: profile: expected an object, got array"},
  };
  for (const auto& bad : bads) {
    auto p = profile_from_json(bad.text, "p.json");
    ASSERT_FALSE(p.ok()) << bad.text;
    EXPECT_EQ(p.error().message, bad.message) << bad.text;
  }
  auto syntax = profile_from_json(head + R"("files":[{"path":"/x","access":["read"]},]})", "p.json");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().message.rfind("p.json: invalid JSON: [json.exception.parse_error.101] parse error at line 1", 0),
            0u)
      << syntax.error().message;
}

// Far below the bound on any machine; a quadratic step on 20k rules would
// blow it.
// The whole end of a large recording, as `record` runs it: generalise,
// render, and read the profile back. Its speed is measured in
// bench/generate.sh, not here; here the read-back must render to the same
// bytes.
TEST(GenerateSpeed, LargeProfileRoundTrips) {
  auto p = profile_from_observations(big_recording(false), "big");
  ASSERT_TRUE(p.ok());
  auto files = render_all(*p);
  ASSERT_TRUE(files.ok()) << files.error().message;
  auto back = profile_from_json((*files)[0].content, "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  auto again = render_all(*back);
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_EQ(files->size(), again->size());
  for (size_t i = 0; i < files->size(); ++i) EXPECT_EQ((*files)[i].content, (*again)[i].content) << (*files)[i].name;
}

}  // namespace
}  // namespace profile
