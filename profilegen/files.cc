// Observed paths -> generalised path rules. Each widening rule exists because
// the literal path would differ on the next run (pids, fd numbers, random
// temp names) or because listing every file would be unreviewable; every rule
// keeps the widening to one path component where it can.
#include "profilegen/files.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <string_view>

#include "profilegen/policy.h"
#include "profilegen/profile.h"

namespace profile {

namespace {

bool is_digits(const std::string& s) {
  return !s.empty() && s.size() <= 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// A component under construction: already in pattern syntax.
struct Comp {
  std::string text;
  bool literal = true;
};

// Splits an observed absolute path into literal components. ".." is resolved
// lexically: recorders report resolved paths, this only stops hostile input
// from naming something above "/".
// The components point into `path`.
bool split_observed(const std::string& path, std::vector<std::string_view>* out) {
  out->clear();
  if (path.empty() || path[0] != '/' || path.size() > kMaxPathBytes) return false;
  if (path.find('\0') != std::string::npos) return false;
  std::string_view rest(path);
  size_t i = 0;
  while (i < rest.size()) {
    size_t j = rest.find('/', i);
    if (j == std::string_view::npos) j = rest.size();
    std::string_view c = rest.substr(i, j - i);
    i = j + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!out->empty()) out->pop_back();
      continue;
    }
    out->push_back(c);
    if (out->size() > kMaxPatternComponents) return false;
  }
  return true;
}

std::string join(const std::vector<Comp>& comps) {
  if (comps.empty()) return "/";
  size_t n = 0;
  for (const auto& c : comps) n += 1 + c.text.size();
  std::string s;
  s.reserve(n);
  for (const auto& c : comps) {
    s += '/';
    s += c.text;
  }
  return s;
}

// Per-run names: pids, fd numbers and terminal numbers become wildcards.
// `out` is reused from path to path, so its strings keep their buffers.
void generalise_volatile(const std::vector<std::string_view>& raw, std::vector<Comp>* out) {
  out->resize(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    Comp& c = (*out)[k];
    c.text.clear();
    // Every name has an exact spelling (\xHH for the bytes that cannot be
    // written), so no name widens the rule beyond the path touched.
    c.literal = true;
    append_pattern_escaped(&c.text, raw[k]);
  }
  auto& v = *out;
  auto is = [&](size_t i, const char* s) { return i < v.size() && v[i].literal && v[i].text == s; };
  auto digits = [&](size_t i) { return i < v.size() && v[i].literal && is_digits(v[i].text); };
  if (is(0, "proc") && v.size() >= 2) {
    size_t pid_at = 1;
    if (is(1, "thread-self")) {
      // /proc/thread-self is /proc/<pid>/task/<tid>.
      v[1] = {"@{pid}", false};
      v.insert(v.begin() + 2, Comp{"task", true});
      v.insert(v.begin() + 3, Comp{"@{pid}", false});
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

std::string_view parent_of(std::string_view pattern) {
  auto s = pattern.find_last_of('/');
  if (s == 0 || s == std::string_view::npos) return "/";
  return pattern.substr(0, s);
}

std::string_view extension_of(std::string_view pattern) {
  std::string_view base = pattern.substr(pattern.find_last_of('/') + 1);
  auto d = base.find_last_of('.');
  if (d == std::string_view::npos || d == 0) return "";
  return base.substr(d);
}

// A generalised rule before its access bits become names.
struct Rule {
  std::string pattern;
  uint32_t bits = 0;
  bool literal = true;  // no wildcard: a candidate for collapsing
};

// Sorts by pattern and merges rules for the same pattern.
void sort_and_merge(std::vector<Rule>* rules) {
  auto by_pattern = [](const Rule& a, const Rule& b) { return a.pattern < b.pattern; };
  // Observed paths arrive sorted and mostly stay in order.
  if (!std::is_sorted(rules->begin(), rules->end(), by_pattern)) std::sort(rules->begin(), rules->end(), by_pattern);
  size_t out = 0;
  for (size_t i = 0; i < rules->size(); ++i) {
    Rule& r = (*rules)[i];
    if (out > 0 && (*rules)[out - 1].pattern == r.pattern) {
      (*rules)[out - 1].bits |= r.bits;
    } else if (out != i) {
      (*rules)[out] = std::move(r);
      ++out;
    } else {
      ++out;
    }
  }
  rules->resize(out);
}

// What a data tree takes in: the data itself. Executing or mapping code
// from the workload's directory stays a rule of its own.
constexpr uint32_t kDataBits = kAccessRead | kAccessWrite | kAccessAppend | kAccessCreate | kAccessDelete |
                               kAccessLink | kAccessLock | kAccessChmod | kAccessList;

std::string pattern_of_path(std::string_view path) {
  std::string out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out += '/';
    append_pattern_escaped(&out, path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Could a path beneath the directory `dir` (in pattern syntax) be a
// sensitive one? Rights granted on `dir` would reach it.
bool holds_sensitive(std::string_view dir) {
  FlatPattern tree, area;
  if (!parse_path_pattern(std::string(dir) + "/**", &tree)) return true;
  for (const auto& sp : sensitive_paths())
    if (!parse_path_pattern(sp.pattern, &area) || pattern_may_reach(tree, area)) return true;
  return false;
}

std::string access_list(uint32_t bits) {
  std::string out;
  for (const auto& n : access_to_names(bits)) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

bool split_temp_name(const std::string& base, bool deleted, std::string* stem, std::string* ext) {
  std::string rest = base;
  ext->clear();
  // A short alphanumeric extension after the random token (suffix=".txt").
  auto dot = rest.find_last_of('.');
  if (dot != std::string::npos && dot > 0) {
    std::string e = rest.substr(dot + 1);
    if (!e.empty() && e.size() <= 5 && std::all_of(e.begin(), e.end(), is_alnum) &&
        std::any_of(e.begin(), e.end(), [](char c) { return c >= 'a' && c <= 'z'; }) &&
        !std::any_of(e.begin(), e.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      *ext = rest.substr(dot);
      rest = rest.substr(0, dot);
    }
  }
  // Python's tempfile: "tmp" + 8 characters of [a-z0-9_]. Structural match,
  // since its alphabet makes all-letter names common.
  if (rest.size() == 11 && rest.compare(0, 3, "tmp") == 0 &&
      std::all_of(rest.begin() + 3, rest.end(),
                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; })) {
    *stem = "tmp";
    return true;
  }
  // Python's own probe names (tempfile.gettempdir, _RandomNameSequence):
  // 8 characters of [a-z0-9_] with no prefix, created and removed at once.
  // Both conditions keep "backup01" that a workload leaves behind literal.
  if (deleted && rest.size() == 8 &&
      std::all_of(rest.begin(), rest.end(),
                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }) &&
      std::any_of(rest.begin(), rest.end(), [](char c) { return (c >= '0' && c <= '9') || c == '_'; }) &&
      std::any_of(rest.begin(), rest.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    stem->clear();
    return true;
  }
  // mkstemp/mkdtemp: six characters of [A-Za-z0-9] replace "XXXXXX". The
  // token counts as random when it mixes digits and letters or both cases;
  // a plain word ("backup") is never taken for one.
  if (rest.size() < 6) return false;
  std::string tok = rest.substr(rest.size() - 6);
  if (!std::all_of(tok.begin(), tok.end(), is_alnum)) return false;
  bool digit = false, lower = false, upper = false;
  for (char c : tok) {
    digit = digit || (c >= '0' && c <= '9');
    lower = lower || (c >= 'a' && c <= 'z');
    upper = upper || (c >= 'A' && c <= 'Z');
  }
  bool letters = lower || upper;
  if (!((digit && letters) || (lower && upper))) return false;
  // "report2024", "data01": a word and a number is a human name.
  size_t k = 0;
  while (k < tok.size() && !(tok[k] >= '0' && tok[k] <= '9')) ++k;
  bool one_case = !(lower && upper);
  bool word_then_number = k > 0 && one_case &&
                          std::all_of(tok.begin() + static_cast<long>(k), tok.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (word_then_number) return false;
  *stem = rest.substr(0, rest.size() - 6);
  return true;
}

const char* data_root_refused(const std::string& dir) {
  std::vector<std::string_view> comps;
  if (!split_observed(dir, &comps)) return "not an absolute path";
  std::string canonical;
  for (auto c : comps) canonical += "/" + std::string(c);
  if (canonical != dir) return "not a canonical path";
  if (comps.empty()) return "the root directory";
  if (comps.size() == 1) return "a top-level directory as a whole";
  if (no_directory_grant(dir)) return "a system tree";
  for (const char* area : {"dev", "run", "proc", "sys"})
    if (comps[0] == area) return "a kernel or runtime tree";
  if (comps.size() == 2 && comps[0] == "home") return "a home directory as a whole";
  if (comps.size() == 2 && comps[0] == "var") return "a whole area of /var";
  if (sensitive_entry(dir, true)) return "in a sensitive area";
  if (holds_sensitive(pattern_of_path(dir))) return "it holds a sensitive path";
  return nullptr;
}

namespace {

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return "";
  return buf;
}

bool strictly_beneath(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() + 1 && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// Checks that need the file system: a shared sticky directory holds other
// users' files, a home directory their credentials.
bool refused_here(const std::string& dir) {
  if (data_root_refused(dir) != nullptr) return true;
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return true;
  if ((st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH)) return true;
  bool home = false;
  setpwent();
  while (struct passwd* pw = getpwent()) {
    if (pw->pw_dir == nullptr || pw->pw_dir[0] != '/' || std::string_view(pw->pw_dir) == "/") continue;
    std::string h = pw->pw_dir;
    if (h == dir || strictly_beneath(h, dir)) home = true;
  }
  endpwent();
  return home;
}

}  // namespace

std::vector<DataRoot> resolve_data_roots(const std::string& cwd, const std::vector<std::string>& argv) {
  std::string base = real_path(cwd);
  if (base.empty()) return {};
  if (!refused_here(base)) return {{base, "the working directory"}};
  std::vector<DataRoot> out;
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string word = argv[i];
    if (!word.empty() && word[0] == '-') {
      auto eq = word.find('=');
      if (eq == std::string::npos) continue;
      word = word.substr(eq + 1);
    }
    if (word.empty() || word.size() >= PATH_MAX) continue;
    std::string real = real_path(word[0] == '/' ? word : base + "/" + word);
    if (real.empty() || !strictly_beneath(real, base)) continue;  // a symlink out of it names nothing here
    struct stat st;
    if (::stat(real.c_str(), &st) != 0) continue;
    std::string dir = S_ISDIR(st.st_mode) ? real : S_ISREG(st.st_mode) ? std::string(parent_of(real)) : "";
    if (dir.empty() || !strictly_beneath(dir, base) || refused_here(dir)) continue;
    bool nested = false;
    for (const auto& r : out) nested = nested || r.path == dir || strictly_beneath(dir, r.path);
    if (nested) continue;
    out.erase(std::remove_if(out.begin(), out.end(), [&](const DataRoot& r) { return strictly_beneath(r.path, dir); }),
              out.end());
    out.push_back({dir, "the argument '" + escape_path_bytes(argv[i]) + "' names"});
  }
  return out;
}

namespace {

// Widenings collected while the rules are built; only those whose rule is
// still in the profile at the end are recorded.
class WideningLog {
 public:
  void add(const char* kind, const std::string& rule, const std::string& evidence) {
    auto& ev = log_[{kind, rule}];
    if (ev.size() < kMaxWideningEvidence && std::find(ev.begin(), ev.end(), evidence) == ev.end())
      ev.push_back(evidence);
  }
  void set_reason(const char* kind, const std::string& rule, std::string reason) {
    reasons_[{kind, rule}] = std::move(reason);
  }
  void record(const std::map<std::string, std::set<std::string>>& files, Profile* p) const {
    for (const auto& [key, evidence] : log_) {
      if (!files.count(key.second)) continue;
      auto r = reasons_.find(key);
      add_widening(p, key.first, key.second, r != reasons_.end() ? r->second : default_reason(key.first), evidence);
    }
  }

 private:
  static std::string default_reason(const std::string& kind) {
    if (kind == "volatile-name")
      return "process and thread ids, file descriptor and terminal numbers differ on every run; the rest of the path is kept";
    return "a name the workload created with a random part (mkstemp, mkdtemp, Python tempfile) differs on every run; "
           "the stable part of the name is kept";
  }
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> log_;
  std::map<std::pair<std::string, std::string>, std::string> reasons_;
};

constexpr uint32_t kReadOnlyBits = kAccessRead | kAccessMmapExec | kAccessList;
constexpr uint32_t kModifyBits = kAccessWrite | kAccessAppend | kAccessCreate | kAccessDelete | kAccessChmod | kAccessLink;

// The dynamic loader execve opens for every ELF program ("ld-linux-x86-64.so.2",
// "ld-musl-x86_64.so.1"): it keeps a rule of its own, which the Landlock
// generator grants execute on, so no collapse or tree takes it away.
bool is_dynamic_loader(const Rule& r) {
  if (!r.literal || !(r.bits & kAccessMmapExec)) return false;
  std::string_view base = std::string_view(r.pattern).substr(r.pattern.find_last_of('/') + 1);
  return base.compare(0, 3, "ld-") == 0 && base.find(".so") != std::string_view::npos;
}

// System trees whose content a workload reads but never writes: programs'
// libraries, headers, data and document roots. /etc, /var (but /var/www),
// /home, /root, /run, /tmp, /proc, /sys and /dev hold configuration, state,
// secrets or kernel interfaces and never qualify.
bool content_area(const std::vector<std::string_view>& c) {
  if (c.empty()) return false;
  for (const char* a : {"usr", "opt", "srv", "lib", "lib32", "lib64", "libx32"})
    if (c[0] == a) return true;
  return c.size() >= 2 && c[0] == "var" && c[1] == "www";
}

// The content tree a read-only file belongs to: the directory three levels
// down (/usr/lib/python3.11, /usr/include/x86_64-linux-gnu, /var/www/html),
// or two for a file directly in such a directory (/usr/include/stdio.h ->
// /usr/include). Never "/" or a top-level directory as a whole.
std::string content_tree_of(std::string_view pattern) {
  std::vector<std::string_view> c;
  size_t i = 1;
  while (i <= pattern.size() && c.size() < 4) {
    size_t j = pattern.find('/', i);
    if (j == std::string_view::npos) j = pattern.size();
    c.push_back(pattern.substr(i, j - i));
    i = j + 1;
  }
  if (c.size() < 3 || !content_area(c)) return "";
  size_t depth = c.size() >= 4 ? 3 : 2;
  std::string out;
  for (size_t k = 0; k < depth; ++k) {
    if (c[k].find_first_of("*@") != std::string_view::npos) return "";  // only literal roots
    out += '/';
    out += c[k];
  }
  if (write_widening_root(out)) return "";
  return out;
}

// What a workload may do on a file or tree it created itself: read it back,
// rewrite or truncate it, remove it, and so replace it by a rename (remove
// the old name, create the new). A checkout, a snapshot, a cache or a lock
// file is read, replaced or deleted on a later run, whatever the recording
// happened to show.
constexpr uint32_t kOwnBits = kAccessRead | kAccessWrite | kAccessCreate | kAccessDelete;

// The shared temporary directories: rights for a file made there go on the
// directory, which holds everyone's files; the literal access stays.
bool shared_temp_dir(std::string_view dir) { return dir == "/tmp" || dir == "/var/tmp" || dir == "/dev/shm"; }

// A file (or directory) the workload created, outside the system
// directories, the shared temporary ones and the sensitive paths, gets the
// rights on its own creation beyond the literally observed bits.
void widen_created_files(std::vector<Rule>* rules, WideningLog* log) {
  for (auto& r : *rules) {
    // A link the workload made is a name for something else: reading or
    // writing through it is checked on what it points to.
    if (!r.literal || !(r.bits & kAccessCreate) || (r.bits & kAccessLink)) continue;
    std::string_view parent = parent_of(r.pattern);
    // Its rights go on `parent` (landlock_gen.cc): never "/" or a top-level directory.
    if (no_directory_grant(parent) || shared_temp_dir(parent) || parent_of(parent) == "/" ||
        sensitive_entry(r.pattern, true) || holds_sensitive(parent))
      continue;
    bool dir = (r.bits & kAccessList) != 0;
    uint32_t own = dir ? kAccessDelete : kOwnBits;  // a directory's content is its tree's rule
    if ((r.bits | own) == r.bits) continue;
    log->add("created-tree", r.pattern, r.pattern + " (" + access_list(r.bits) + ")");
    log->set_reason("created-tree", r.pattern,
                    std::string("the workload created this ") + (dir ? "directory" : "file") +
                        " during the recording: it is its own, so it may also " +
                        (dir ? "remove it" : "read it back, rewrite, remove or replace it") +
                        " (recorded: " + access_list(r.bits) + ")");
    r.bits |= own;
  }
}

// Created directories are the workload's data: each topmost one (outside
// the no_directory_grant areas and the sensitive paths) takes everything the
// workload did beneath it into one `dir/**` rule.
void fold_created_trees(std::vector<Rule>* rules, WideningLog* log) {
  std::set<std::string_view> created;
  for (const auto& r : *rules)
    if ((r.bits & kAccessCreate) && (r.bits & kAccessList) && !no_directory_grant(parent_of(r.pattern)) &&
        !sensitive_entry(r.pattern, true))
      created.insert(r.pattern);
  if (created.empty()) return;
  std::map<std::string, uint32_t> trees;  // root -> union of the bits beneath it
  std::vector<bool> folded(rules->size(), false);
  for (size_t i = 0; i < rules->size(); ++i) {
    const Rule& r = (*rules)[i];
    // The topmost created directory above the rule.
    std::string_view root;
    for (std::string_view d = parent_of(r.pattern); d != "/"; d = parent_of(d))
      if (created.count(d)) root = d;
    if (root.empty()) continue;
    std::string tree = std::string(root) + "/**";
    trees[tree] |= r.bits;
    log->add("created-tree", tree, r.pattern);
    folded[i] = true;
  }
  std::vector<Rule> kept;
  for (size_t i = 0; i < rules->size(); ++i)
    if (!folded[i]) kept.push_back(std::move((*rules)[i]));
  for (auto& [tree, bits] : trees) {
    std::string root = tree.substr(0, tree.size() - 3);
    // Its rights go on the directory it is created in (landlock_gen.cc): a
    // shared temporary one, or one above a sensitive path, gets only what
    // was recorded; a pattern root (a temporary name) goes on its fixed
    // prefix, the shared directory itself.
    bool shared = shared_temp_dir(parent_of(root)) || root.find_first_of("*@") != std::string::npos ||
                  holds_sensitive(parent_of(root));
    log->set_reason("created-tree", tree,
                    "the workload created " + root + " during the recording: the tree is its own data, so " +
                        (shared
                             ? std::string("what it did beneath it (") + access_list(bits) + ") is granted beneath it"
                             : "it may read, write, create and remove beneath it (recorded: " + access_list(bits) + ")") +
                        ", and create it again beneath " + std::string(parent_of(root)));
    kept.push_back({tree, shared ? bits : bits | kOwnBits | kAccessList, false});
  }
  sort_and_merge(&kept);
  *rules = std::move(kept);
}

// The launch's data trees: each root the user named (data_root_refused
// checked again here, whatever built the list) takes every rule beneath it
// into one `root/**` with the union of the data accesses used there. Only
// roots something was done beneath become a rule.
void fold_data_trees(std::vector<Rule>* rules, const std::vector<DataRoot>& roots, WideningLog* log) {
  std::vector<std::pair<std::string, const DataRoot*>> accepted;  // pattern form, root
  for (const auto& r : roots)
    if (data_root_refused(r.path) == nullptr) accepted.push_back({pattern_of_path(r.path), &r});
  if (accepted.empty()) return;
  // Outermost first, so a nested root folds into the one above it.
  std::sort(accepted.begin(), accepted.end());
  std::map<std::string, std::pair<uint32_t, const DataRoot*>> trees;  // rule -> bits, root
  std::vector<bool> folded(rules->size(), false);
  for (size_t i = 0; i < rules->size(); ++i) {
    const Rule& r = (*rules)[i];
    if (r.bits & ~kDataBits) continue;  // executed or mapped: its own rule
    for (const auto& [root, origin] : accepted) {
      if (r.pattern.size() <= root.size() + 1 || r.pattern.compare(0, root.size(), root) != 0 ||
          r.pattern[root.size()] != '/')
        continue;
      std::string tree = root + "/**";
      auto& t = trees[tree];
      t.first |= r.bits;
      t.second = origin;
      log->add("data-tree", tree, r.pattern);
      folded[i] = true;
      break;
    }
  }
  if (trees.empty()) return;
  std::vector<Rule> kept;
  for (size_t i = 0; i < rules->size(); ++i)
    if (!folded[i]) kept.push_back(std::move((*rules)[i]));
  for (auto& [tree, t] : trees) {
    t.first |= kAccessList;  // what is granted beneath it may be reached through its directories
    log->set_reason("data-tree", tree,
                    t.second->origin + " " + escape_path_bytes(t.second->path) +
                        " is the workload's data as the user launched it, and the recording used files beneath it (" +
                        access_list(t.first & ~kAccessList) +
                        "): another run uses other files there, so that access is granted beneath it");
    kept.push_back({tree, t.first, false});
  }
  sort_and_merge(&kept);
  *rules = std::move(kept);
}

// Several read-only files of one system content tree become one read rule
// on the tree: another run reads other files of the same library, header
// directory or document root. A tree takes in the trees nested in it
// (/usr/include takes /usr/include/x86_64-linux-gnu).
void fold_content_trees(std::vector<Rule>* rules, WideningLog* log) {
  struct Tree {
    size_t files = 0;  // read-only files whose tree this is
    bool writes = false;  // a rule beneath it modifies something
    uint32_t bits = kAccessRead | kAccessList;
    size_t folded = 0;  // files it took in, nested trees' included
  };
  std::map<std::string, Tree, std::less<>> trees;
  auto folds = [](const Rule& r) { return (r.bits & ~kReadOnlyBits) == 0 && !is_dynamic_loader(r); };
  for (const auto& r : *rules) {
    std::string t = content_tree_of(r.pattern);
    if (!t.empty() && folds(r) && (r.bits & (kAccessRead | kAccessMmapExec))) ++trees[t].files;
  }
  if (trees.empty()) return;
  for (const auto& r : *rules) {
    if (!(r.bits & kModifyBits)) continue;
    for (std::string_view d = parent_of(r.pattern); d != "/"; d = parent_of(d)) {
      auto it = trees.find(d);
      if (it != trees.end()) it->second.writes = true;
    }
  }
  // "Read-only": nothing in the profile writes beneath it.
  for (auto it = trees.begin(); it != trees.end();)
    if (it->second.files < kContentTreeThreshold || it->second.writes || sensitive_entry(it->first, false))
      it = trees.erase(it);
    else
      ++it;
  if (trees.empty()) return;
  std::vector<bool> folded(rules->size(), false);
  for (size_t i = 0; i < rules->size(); ++i) {
    const Rule& r = (*rules)[i];
    if (!folds(r)) continue;
    Tree* top = nullptr;
    const std::string* root = nullptr;
    for (std::string_view d = parent_of(r.pattern); d != "/"; d = parent_of(d)) {
      auto it = trees.find(d);
      if (it != trees.end()) {
        top = &it->second;
        root = &it->first;
      }
    }
    if (top == nullptr) continue;
    top->bits |= r.bits;
    if (r.bits & (kAccessRead | kAccessMmapExec)) ++top->folded;
    folded[i] = true;
    log->add("content-tree", *root + "/**", r.pattern);
  }
  std::vector<Rule> kept;
  for (size_t i = 0; i < rules->size(); ++i)
    if (!folded[i]) kept.push_back(std::move((*rules)[i]));
  for (const auto& [root, tree] : trees) {
    if (tree.folded == 0) continue;  // nested in a wider tree
    std::string rule = root + "/**";
    log->set_reason("content-tree", rule,
                    std::to_string(tree.folded) + " files of " + root +
                        " were read and nothing writes beneath it: a read-only system tree (libraries, headers, "
                        "data, documents) is granted for reading as a whole");
    kept.push_back({rule, tree.bits, false});
  }
  sort_and_merge(&kept);
  *rules = std::move(kept);
}

}  // namespace

std::map<std::string, std::set<std::string>> generalise_files(const Observations& obs) {
  Profile p;
  generalise_files(obs, &p);
  return std::move(p.files);
}

void generalise_files(const Observations& obs, Profile* profile, const std::vector<DataRoot>& data_roots) {
  WideningLog log;
  // Visits every observed path once with its bits; executed images are also
  // read by the kernel to execute them.
  constexpr uint32_t kExecBits = kAccessExecute | kAccessRead;
  auto each_observed = [&obs](auto&& visit) {
    for (const auto& [path, bits] : obs.files) visit(path, obs.execs.count(path) ? bits | kExecBits : bits);
    for (const auto& e : obs.execs)
      if (!obs.files.count(e)) visit(e, kExecBits);
  };
  std::vector<std::string_view> raw;  // reused across paths
  std::vector<Comp> comps;

  // Pass 1: observed created temp names (files or mkdtemp directories).
  std::map<std::string, std::string> temp_rewrites;  // escaped literal path -> pattern
  each_observed([&](const std::string& path, uint32_t bits) {
    if (!(bits & kAccessCreate)) return;
    if (!split_observed(path, &raw)) return;
    generalise_volatile(raw, &comps);
    if (comps.empty() || !comps.back().literal) return;
    // Landlock grants a pattern's rights beneath its fixed directory: a
    // created name directly in "/" or a system directory stays literal.
    if (comps.size() == 1 || (comps.size() == 2 && comps[0].literal && write_widening_root("/" + comps[0].text)))
      return;
    std::string stem, ext;
    if (split_temp_name(std::string(raw.back()), (bits & kAccessDelete) != 0, &stem, &ext))
      temp_rewrites[join(comps)] = escape_pattern_literal(stem) + "*" + escape_pattern_literal(ext);
  });

  std::vector<Rule> rules;
  rules.reserve(obs.files.size() + obs.execs.size());
  each_observed([&](const std::string& path, uint32_t bits) {
    if (!split_observed(path, &raw)) return;  // "pipe:[..]", "anon_inode:..": not files
    generalise_volatile(raw, &comps);
    const char* widened = nullptr;  // the kind of widening, if any
    for (const auto& c : comps)
      if (!c.literal) widened = "volatile-name";
    if (!temp_rewrites.empty()) {
      // Replace a created temp component wherever it appears as a prefix, so
      // a mkdtemp directory's children follow it.
      // Looked up by the observed prefix, built incrementally (linear in the
      // path length), so nested temp directories are each found.
      std::string observed_prefix;
      for (auto& c : comps) {
        observed_prefix += "/" + c.text;
        if (!c.literal) continue;
        auto it = temp_rewrites.find(observed_prefix);
        if (it != temp_rewrites.end()) {
          c = {it->second, false};
          widened = "temporary-name";
        }
      }
    }
    uint32_t b = bits;
    if (b & kAccessMmapExec) b |= kAccessRead;  // a mapping needs a readable fd
    std::string pattern = join(comps);
    // kMaxPatternBytes holds the escaped form of any path split_observed
    // takes; should that ever change, the longest components become `*`
    // rather than the recording failing over a name.
    while (pattern.size() > kMaxPatternBytes) {
      auto longest = std::max_element(comps.begin(), comps.end(),
                                      [](const Comp& a, const Comp& b) { return a.text.size() < b.text.size(); });
      if (longest == comps.end() || longest->text.size() <= 1) break;
      *longest = {"*", false};
      pattern = join(comps);
    }
    // Collapsing takes only patterns that name one path.
    bool literal = !comps.empty() && pattern.size() <= kMaxPatternBytes &&
                   std::all_of(comps.begin(), comps.end(), [](const Comp& c) { return c.literal; });
    if (widened) {
      std::string observed;  // the exact path, in pattern syntax
      for (auto r : raw) {
        observed += '/';
        append_pattern_escaped(&observed, r);
      }
      log.add(widened, pattern, observed);
    }
    rules.push_back({std::move(pattern), b, literal});
  });
  sort_and_merge(&rules);
  fold_created_trees(&rules, &log);
  widen_created_files(&rules, &log);
  fold_data_trees(&rules, data_roots, &log);
  fold_content_trees(&rules, &log);

  // Pass 2: many literal files of one directory with one access set collapse
  // to one rule: dir/*.ext when they share an extension, else dir/*.
  std::map<std::pair<std::string_view, uint32_t>, std::vector<size_t>> groups;  // views into `rules`
  std::vector<size_t>* group = nullptr;  // of the previous rule: siblings mostly come in a row
  std::pair<std::string_view, uint32_t> group_key;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if ((r.bits & kAccessList) || !r.literal || is_dynamic_loader(r)) continue;  // directories stay named
    // A secret read among many ordinary files keeps its own literal rule, so
    // the renderers can tell it was recorded and keep it out of every glob.
    constexpr uint32_t kModifies = kAccessWrite | kAccessAppend | kAccessCreate | kAccessDelete | kAccessChmod | kAccessLink;
    if (sensitive_entry(r.pattern, (r.bits & kModifies) != 0)) continue;
    std::pair<std::string_view, uint32_t> key{parent_of(r.pattern), r.bits};
    if (group == nullptr || key != group_key) {
      group = &groups[key];
      group_key = key;
    }
    group->push_back(i);
  }
  std::vector<bool> collapsed(rules.size(), false);
  std::vector<Rule> globs;
  for (const auto& [key, members] : groups) {
    if (members.size() < kCollapseThreshold) continue;
    if (write_widening_root(key.first) && (key.second & kWideningWriteBits)) continue;
    std::string_view ext = extension_of(rules[members.front()].pattern);
    for (size_t m : members)
      if (extension_of(rules[m].pattern) != ext) ext = "";
    std::string dir = key.first == "/" ? "" : std::string(key.first);
    std::string glob = dir + "/*" + std::string(ext);  // ext is already pattern text
    for (size_t m : members) {
      collapsed[m] = true;
      log.add("collapse", glob, rules[m].pattern);
    }
    log.set_reason("collapse", glob,
                   std::to_string(members.size()) + " files of " + std::string(key.first) +
                       " were used with the same access: other entries of the directory are likely needed on another "
                       "run (one level only, sensitive files excluded)");
    globs.push_back({std::move(glob), key.second, false});
  }
  if (!globs.empty()) {
    std::vector<Rule> kept;
    kept.reserve(rules.size() - std::count(collapsed.begin(), collapsed.end(), true) + globs.size());
    for (size_t i = 0; i < rules.size(); ++i)
      if (!collapsed[i]) kept.push_back(std::move(rules[i]));
    for (auto& g : globs) kept.push_back(std::move(g));
    sort_and_merge(&kept);
    rules = std::move(kept);
  }

  // Many rules share an access set: its names are built once.
  std::map<uint32_t, std::set<std::string>> names;
  std::map<std::string, std::set<std::string>>& out = profile->files;
  out.clear();
  for (auto& r : rules) {
    if (r.bits == 0) continue;
    auto it = names.find(r.bits);
    if (it == names.end()) it = names.emplace(r.bits, access_to_names(r.bits)).first;
    out.emplace_hint(out.end(), std::move(r.pattern), it->second);  // rules are sorted and unique
  }
  log.record(out, profile);
}

}  // namespace profile
