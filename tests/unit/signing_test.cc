// Signed profile directories: the Ed25519 and base64 primitives, the key
// and SIGNATURE parsers on hostile input, and sign/verify/keygen as library
// calls on directories written by write_profile_dir.
#include <errno.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "cli/app/enforce_plan.h"
#include "cli/app/profile_dir.h"
#include "cli/app/signing.h"
#include "core/ed25519.h"
#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Profile small() {
  Profile p;
  p.name = "t";
  p.syscalls["x86_64"] = {"read", "write"};
  return p;
}

Ed25519PrivateKey new_key() {
  auto k = ed25519_generate();
  EXPECT_TRUE(k.ok());
  return *k;
}

// A key pair written where the app calls read them from.
struct KeyFiles {
  std::string priv, pub;
};
KeyFiles write_keys(const test::TempDir& dir, const std::string& name) {
  app::KeygenRequest req;
  req.path = dir / name;
  auto r = app::keygen(req);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return {dir / name, dir / (name + ".pub")};
}

TEST(Base64, RoundTripsAndRefusesEverySecondSpelling) {
  for (std::string s : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                        std::string("\x00\xff\x10\x80", 4)}) {
    std::string back;
    ASSERT_TRUE(base64_decode(base64_encode(s), &back)) << s;
    EXPECT_EQ(back, s);
  }
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  std::string out;
  EXPECT_FALSE(base64_decode("YWJ=", &out)) << "non-zero bits under the padding";
  EXPECT_FALSE(base64_decode("YWI", &out)) << "missing padding";
  EXPECT_FALSE(base64_decode("YW=I", &out)) << "a character after padding";
  EXPECT_FALSE(base64_decode("YWI=YWI=", &out)) << "padding in the middle";
  EXPECT_FALSE(base64_decode("YW I=", &out)) << "white space";
  EXPECT_FALSE(base64_decode("Y===", &out));
}

TEST(Ed25519, SignsVerifiesAndRefusesAnyChange) {
  auto key = new_key();
  auto sig = ed25519_sign(key, "message");
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  ASSERT_EQ(sig->size(), kEd25519SignatureBytes);
  EXPECT_TRUE(ed25519_verify(key.public_key, "message", *sig));
  EXPECT_FALSE(ed25519_verify(key.public_key, "messagE", *sig));
  std::string flipped = *sig;
  flipped[10] ^= 1;
  EXPECT_FALSE(ed25519_verify(key.public_key, "message", flipped));
  EXPECT_FALSE(ed25519_verify(key.public_key, "message", sig->substr(1)));
  EXPECT_FALSE(ed25519_verify(new_key().public_key, "message", *sig));
}

TEST(Ed25519, PemRoundTripAndTheFingerprintOfTheDerKey) {
  auto key = new_key();
  std::string priv = ed25519_private_pem(key), pub = ed25519_public_pem(key.public_key);
  EXPECT_EQ(priv.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << priv.substr(0, 30);
  EXPECT_EQ(pub.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  auto p2 = parse_ed25519_private_pem(priv, "k");
  ASSERT_TRUE(p2.ok()) << p2.error().message;
  EXPECT_EQ(p2->seed, key.seed);
  EXPECT_EQ(p2->public_key.raw, key.public_key.raw);
  auto pub2 = parse_ed25519_public_pem(pub, "k.pub");
  ASSERT_TRUE(pub2.ok()) << pub2.error().message;
  EXPECT_EQ(pub2->raw, key.public_key.raw);
  std::string fp = ed25519_fingerprint(key.public_key);
  ASSERT_EQ(fp.size(), 7u + 64u);
  EXPECT_EQ(fp.rfind("SHA256:", 0), 0u);
  EXPECT_NE(fp, ed25519_fingerprint(new_key().public_key));
  // The documented way to compute it with openssl (docs/signing.md).
  test::TempDir d;
  test::write_file(d / "k.pub", pub);
  auto r = test::run({"sh", "-c", "openssl pkey -pubin -in '" + (d / "k.pub") + "' -outform DER | sha256sum"});
  if (r.exit_code != 0) GTEST_SKIP() << "the openssl command is not installed: " << r.err;
  EXPECT_EQ("SHA256:" + r.out.substr(0, 64), fp);
}

TEST(Ed25519, KeyTextsAreRefusedWithTheirReason) {
  auto key = new_key();
  std::string priv = ed25519_private_pem(key), pub = ed25519_public_pem(key.public_key);
  auto e1 = parse_ed25519_public_pem(priv, "/k/signing.key");
  ASSERT_FALSE(e1.ok());
  EXPECT_TRUE(has(e1.error().message, "/k/signing.key: is a private key")) << e1.error().message;
  EXPECT_EQ(e1.error().exit_code, 125);
  EXPECT_FALSE(has(e1.error().message, priv.substr(28, 20))) << "the key must not be echoed";
  auto e2 = parse_ed25519_private_pem(pub, "p.pub");
  ASSERT_FALSE(e2.ok());
  EXPECT_TRUE(has(e2.error().message, "p.pub: is a public key")) << e2.error().message;
  auto e3 = parse_ed25519_public_pem("ssh-ed25519 AAAAC3Nza... user@host\n", "id.pub");
  ASSERT_FALSE(e3.ok());
  EXPECT_TRUE(has(e3.error().message, "id.pub: not a PEM key file")) << e3.error().message;
  auto e4 = parse_ed25519_public_pem(pub + pub, "two.pub");
  ASSERT_FALSE(e4.ok());
  EXPECT_TRUE(has(e4.error().message, "more than one PEM block")) << e4.error().message;
  auto e5 = parse_ed25519_public_pem(pub + "x\n", "tail.pub");
  ASSERT_FALSE(e5.ok());
  auto e6 = parse_ed25519_public_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "c.pem");
  ASSERT_FALSE(e6.ok());
  EXPECT_TRUE(has(e6.error().message, "c.pem: holds a 'CERTIFICATE' PEM block")) << e6.error().message;
  std::string broken = pub;
  broken[30] = '!';
  auto e7 = parse_ed25519_public_pem(broken, "broken.pub");
  ASSERT_FALSE(e7.ok());
  EXPECT_TRUE(has(e7.error().message, "broken.pub")) << e7.error().message;
  EXPECT_TRUE(parse_ed25519_public_pem("\n" + pub + "\n\n", "spaced.pub").ok());
}

TEST(Ed25519, KeysOfAnotherAlgorithmOrEncryptedAreRefused) {
  test::TempDir d;
  auto rsa = test::run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                        d / "ec.key"});
  if (rsa.exit_code != 0) GTEST_SKIP() << "the openssl command is not installed: " << rsa.err;
  ASSERT_EQ(test::run({"openssl", "pkey", "-in", d / "ec.key", "-pubout", "-out", d / "ec.pub"}).exit_code, 0);
  auto e1 = parse_ed25519_private_pem(test::read_file(d / "ec.key"), "ec.key");
  ASSERT_FALSE(e1.ok());
  EXPECT_TRUE(has(e1.error().message, "ec.key: is a EC key; profile signs with Ed25519 keys only"))
      << e1.error().message;
  auto e2 = parse_ed25519_public_pem(test::read_file(d / "ec.pub"), "ec.pub");
  ASSERT_FALSE(e2.ok());
  EXPECT_TRUE(has(e2.error().message, "ec.pub: is a EC key")) << e2.error().message;
  ASSERT_EQ(test::run({"openssl", "genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:x", "-out",
                       d / "enc.key"})
                .exit_code,
            0);
  auto e3 = parse_ed25519_private_pem(test::read_file(d / "enc.key"), "enc.key");
  ASSERT_FALSE(e3.ok());
  EXPECT_TRUE(has(e3.error().message, "enc.key: is an encrypted private key")) << e3.error().message;
  // A key made by openssl itself is accepted.
  ASSERT_EQ(test::run({"openssl", "genpkey", "-algorithm", "ed25519", "-out", d / "o.key"}).exit_code, 0);
  EXPECT_TRUE(parse_ed25519_private_pem(test::read_file(d / "o.key"), "o.key").ok());
}

std::string good_signature_text() {
  auto key = new_key();
  SignatureFile s;
  s.fingerprint = ed25519_fingerprint(key.public_key);
  s.manifest = std::string(64, 'a') + "  apparmor.profile\n" + std::string(64, 'b') + "  caps.txt\n" +
               std::string(64, 'c') + "  landlock.json\n" + std::string(64, 'd') + "  profile.json\n" +
               std::string(64, 'e') + "  seccomp.json\n";
  s.signature = *ed25519_sign(key, signed_message(s.manifest));
  return render_signature_file(s);
}

TEST(SignatureFile, RoundTrips) {
  std::string text = good_signature_text();
  auto s = parse_signature_file(text, "d/SIGNATURE");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(render_signature_file(*s), text);
  EXPECT_EQ(s->files.size(), 5u);
  EXPECT_EQ(s->files.at("caps.txt"), std::string(64, 'b'));
}

TEST(SignatureFile, EveryMalformedPartIsNamedWithItsLine) {
  std::string good = good_signature_text();
  auto line = [&](int n) {
    size_t pos = 0;
    for (int i = 1; i < n; ++i) pos = good.find('\n', pos) + 1;
    return std::make_pair(pos, good.find('\n', pos) - pos);
  };
  auto with_line = [&](int n, const std::string& repl) {
    auto [pos, len] = line(n);
    std::string t = good;
    t.replace(pos, len, repl);
    return t;
  };
  struct Case {
    std::string text, expect;
  } cases[] = {
      {"", "d/SIGNATURE:1: not a profile signature file"},
      {with_line(1, "profile-signature v2"), "d/SIGNATURE:1: unsupported signature format 'profile-signature v2'"},
      {with_line(2, "key SHA256:zz"), "d/SIGNATURE:2: expected 'key SHA256:<64 lowercase hex digits>', found 'key SHA256:zz'"},
      {with_line(2, "key SHA256:" + std::string(64, 'A')), "d/SIGNATURE:2:"},
      {with_line(3, "signature AAAA"), "d/SIGNATURE:3: expected 'signature <base64 of a 64-byte"},
      {with_line(3, "signature !!"), "found 'signature !!'"},
      {with_line(4, "signed:"), "d/SIGNATURE:4: expected 'signed SHA256SUMS:'"},
      {good.substr(0, good.size() - 1), "does not end with a newline"},
      {with_line(6, "xyz  caps.txt"), "from line 5):2: expected '<sha256 in hex>  <file name>'"},
      {with_line(6, std::string(64, 'b') + "  ../../etc/passwd"), "'../../etc/passwd' is not a file of a profile directory"},
      {with_line(1, "profile-signature v1\r"), "d/SIGNATURE:1: unsupported signature format 'profile-signature v1\\x0d'"},
      {with_line(3, "signature \x1b[31m"), "found 'signature \\x1b[31m'"},
  };
  for (const auto& c : cases) {
    auto r = parse_signature_file(c.text, "d/SIGNATURE");
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_TRUE(has(r.error().message, c.expect)) << r.error().message;
    EXPECT_EQ(r.error().exit_code, 125);
  }
}

TEST(ContentTrust, TheKeyComesFromTheOptionOrTheEnvironment) {
  EXPECT_EQ(*required_signature_key(false, "", nullptr, nullptr), "");
  EXPECT_EQ(*required_signature_key(false, "", "0", "k.pub"), "");
  EXPECT_EQ(*required_signature_key(false, "", "", "k.pub"), "");
  EXPECT_EQ(*required_signature_key(false, "", "1", "k.pub"), "k.pub");
  EXPECT_EQ(*required_signature_key(false, "", "true", "k.pub"), "k.pub");
  EXPECT_EQ(*required_signature_key(true, "opt.pub", "1", "k.pub"), "opt.pub");
  EXPECT_EQ(*required_signature_key(true, "opt.pub", nullptr, nullptr), "opt.pub");
  auto none = required_signature_key(false, "", "1", nullptr);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(has(none.error().message, "PROFILE_CONTENT_TRUST=1 requires signed profiles, but no public key"))
      << none.error().message;
  EXPECT_FALSE(required_signature_key(false, "", "1", "").ok());
  auto bad = required_signature_key(false, "", "yes", "k.pub");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(has(bad.error().message, "PROFILE_CONTENT_TRUST='yes'")) << bad.error().message;
  EXPECT_FALSE(required_signature_key(true, "", nullptr, nullptr).ok());
}

TEST(SealedCopy, HoldsTheBytesAndCannotBeChanged) {
  auto c = sealed_copy("x", "abc\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(test::read_file(c->path), "abc\n");
  errno = 0;
  EXPECT_EQ(write(c->fd.get(), "z", 1), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_EQ(test::read_file(c->path), "abc\n");
}

TEST(Keygen, WritesAPrivateKeyOnlyTheOwnerReadsAndRefusesToReplace) {
  test::TempDir d;
  mode_t old = umask(0);
  app::KeygenRequest req;
  req.path = d / "k";
  auto r = app::keygen(req);
  umask(old);
  ASSERT_TRUE(r.ok()) << r.error().message;
  struct stat st;
  ASSERT_EQ(stat((d / "k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((d / "k.pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  auto priv = read_private_key_file(d / "k");
  ASSERT_TRUE(priv.ok()) << priv.error().message;
  EXPECT_EQ(ed25519_fingerprint(priv->public_key), r->fingerprint);
  std::string before = test::read_file(d / "k");
  auto again = app::keygen(req);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(has(again.error().message, d / "k exists; --force replaces it")) << again.error().message;
  EXPECT_EQ(test::read_file(d / "k"), before);
  // Only the public half there: still refused, nothing written.
  unlink((d / "k").c_str());
  ASSERT_FALSE(app::keygen(req).ok());
  EXPECT_NE(access((d / "k").c_str(), F_OK), 0);
  req.force = true;
  auto forced = app::keygen(req);
  ASSERT_TRUE(forced.ok()) << forced.error().message;
  EXPECT_NE(forced->fingerprint, r->fingerprint);
  // No temporary left behind.
  auto ls = test::run({"ls", "-A", d.path()});
  EXPECT_EQ(ls.out, "k\nk.pub\n");
}

struct SignedDir {
  test::TempDir keys, dir;
  KeyFiles key = write_keys(keys, "k");
  SignedDir() {
    EXPECT_TRUE(write_profile_dir(dir.path(), small()).ok());
    app::SignRequest s{key.priv, dir.path()};
    auto r = app::sign(s, {});
    EXPECT_TRUE(r.ok()) << r.error().message;
  }
  Result<app::VerifyResult> verify(const std::string& pub = "") const {
    return app::verify(app::VerifyRequest{pub.empty() ? key.pub : pub, dir.path()}, {});
  }
};

void expect_refused(const Result<app::VerifyResult>& r, const std::string& part) {
  ASSERT_FALSE(r.ok()) << "expected a refusal naming: " << part;
  EXPECT_TRUE(has(r.error().message, part)) << r.error().message;
  EXPECT_EQ(r.error().exit_code, kVerifyFailed);
}

TEST(SignVerify, ASignedDirectoryVerifies) {
  SignedDir s;
  auto r = s.verify();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->files, 5u);
  auto sig = parse_signature_file(test::read_file(s.dir / "SIGNATURE"), "SIGNATURE");
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->manifest, test::read_file(s.dir / "SHA256SUMS"));
}

TEST(SignVerify, OneChangedByteIsNamed) {
  SignedDir s;
  std::string text = test::read_file(s.dir / "seccomp.json");
  text[text.size() / 2] ^= 1;
  test::write_file(s.dir / "seccomp.json", text);
  expect_refused(s.verify(), s.dir / "seccomp.json was changed after signing");
}

TEST(SignVerify, ARegeneratedManifestDoesNotHideTheChange) {
  SignedDir s;
  Profile p = small();
  p.syscalls["x86_64"].insert("ptrace");
  ASSERT_TRUE(write_profile_dir(s.dir.path(), p).ok());
  auto r = s.verify();
  expect_refused(r, s.dir / "SHA256SUMS was changed after signing");
  EXPECT_TRUE(has(r.error().message, s.dir / "seccomp.json was changed after signing")) << r.error().message;
  EXPECT_TRUE(has(r.error().message, s.dir / "profile.json was changed after signing")) << r.error().message;
  EXPECT_FALSE(has(r.error().message, "caps.txt")) << r.error().message;
}

TEST(SignVerify, AnAddedFileIsNamed) {
  SignedDir s;
  test::write_file(s.dir / "extra\nname", "x");
  expect_refused(s.verify(), s.dir / "extra\\x0aname was added after signing");
}

TEST(SignVerify, AnAddedProfileYamlIsNamed) {
  SignedDir s;
  test::write_file(s.dir / "profile.yaml", "add: {}\n");
  expect_refused(s.verify(), s.dir / "profile.yaml was added after signing");
}

TEST(SignVerify, ARemovedFileIsNamed) {
  SignedDir s;
  ASSERT_EQ(unlink((s.dir / "caps.txt").c_str()), 0);
  expect_refused(s.verify(), s.dir / "caps.txt was removed after signing");
}

TEST(SignVerify, ASymlinkInPlaceOfASignedFileIsRefused) {
  SignedDir s;
  std::string text = test::read_file(s.dir / "caps.txt");
  test::write_file(s.keys / "caps.txt", text);
  ASSERT_EQ(unlink((s.dir / "caps.txt").c_str()), 0);
  ASSERT_EQ(symlink((s.keys / "caps.txt").c_str(), (s.dir / "caps.txt").c_str()), 0);
  auto r = s.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has(r.error().message, s.dir / "caps.txt is a symbolic link")) << r.error().message;
}

TEST(SignVerify, AnotherKeyIsRefused) {
  SignedDir s;
  KeyFiles other = write_keys(s.keys, "other");
  expect_refused(s.verify(other.pub), "was made with the key SHA256:");
  expect_refused(s.verify(other.pub), ", not with " + other.pub);
}

TEST(SignVerify, AnAlteredSignatureIsRefused) {
  SignedDir s;
  std::string text = test::read_file(s.dir / "SIGNATURE");
  auto sig = parse_signature_file(text, "SIGNATURE");
  ASSERT_TRUE(sig.ok());
  // A forger who rewrites the signed manifest in the signature file too.
  sig->manifest.replace(0, 1, sig->manifest[0] == 'a' ? "b" : "a");
  test::write_file(s.dir / "SIGNATURE", render_signature_file(*sig));
  expect_refused(s.verify(), "SIGNATURE: the signature does not verify with " + s.key.pub);
}

TEST(SignVerify, AnUnsignedDirectoryIsRefused) {
  SignedDir s;
  ASSERT_EQ(unlink((s.dir / "SIGNATURE").c_str()), 0);
  expect_refused(s.verify(), s.dir.path() + " is not signed");
}

TEST(SignVerify, BadKeyFilesAreErrorsNamingTheFile) {
  SignedDir s;
  auto r = s.verify(s.key.priv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_TRUE(has(r.error().message, s.key.priv + ": is a private key")) << r.error().message;
  test::write_file(s.keys / "junk", "hello\n");
  r = s.verify(s.keys / "junk");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_TRUE(has(r.error().message, s.keys / "junk: not a PEM key file")) << r.error().message;
  auto sg = app::sign(app::SignRequest{s.key.pub, s.dir.path()}, {});
  ASSERT_FALSE(sg.ok());
  EXPECT_TRUE(has(sg.error().message, s.key.pub + ": is a public key")) << sg.error().message;
  ASSERT_EQ(mkfifo((s.keys / "fifo").c_str(), 0600), 0);
  r = s.verify(s.keys / "fifo");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has(r.error().message, s.keys / "fifo is not a regular file")) << r.error().message;
}

TEST(SignVerify, AMalformedSignatureFileIsAnErrorNamingIt) {
  SignedDir s;
  test::write_file(s.dir / "SIGNATURE", "garbage\n");
  auto r = s.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_TRUE(has(r.error().message, s.dir / "SIGNATURE:1: not a profile signature file")) << r.error().message;
}

TEST(SignVerify, SigningRefusesADirectoryThatDoesNotMatchItsManifest) {
  test::TempDir keys, dir;
  KeyFiles key = write_keys(keys, "k");
  ASSERT_TRUE(write_profile_dir(dir.path(), small()).ok());
  test::write_file(dir / "caps.txt", "SYS_ADMIN\n");
  auto r = app::sign(app::SignRequest{key.priv, dir.path()}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has(r.error().message, dir / "caps.txt does not match " + (dir / "SHA256SUMS"))) << r.error().message;
  EXPECT_NE(access((dir / "SIGNATURE").c_str(), F_OK), 0);
  test::write_file(dir / "caps.txt", "");
  test::write_file(dir / "notes.txt", "");
  r = app::sign(app::SignRequest{key.priv, dir.path()}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has(r.error().message, dir / "notes.txt is not a file of the profile")) << r.error().message;
  unlink((dir / "notes.txt").c_str());
  // A temporary a killed signer left is cleaned up, not signed over.
  test::write_file(dir / "SIGNATURE.tmp.12345", "x");
  r = app::sign(app::SignRequest{key.priv, dir.path()}, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(access((dir / "SIGNATURE.tmp.12345").c_str(), F_OK), 0);
}

// enforce's plan takes every file from the bytes the signature check read:
// a file swapped after the check (after load_profile_dir_plan returns) is
// not what gets compiled.
TEST(SignedPlan, UsesTheCheckedBytesNotTheFilesAgain) {
  SignedDir s;
  std::string seccomp = test::read_file(s.dir / "seccomp.json");
  auto plan = load_profile_dir_plan(s.dir.path(), false, {}, s.key.pub);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_FALSE(plan->seccomp_json.empty()) << "the seccomp file would be opened again by path";
  EXPECT_EQ(plan->seccomp_json, seccomp);
  EXPECT_EQ(plan->name, "t");
  test::write_file(s.dir / "seccomp.json", "{}\n");
  auto refused = load_profile_dir_plan(s.dir.path(), false, {}, s.key.pub);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().exit_code, 125);
  EXPECT_TRUE(has(refused.error().message, s.dir / "seccomp.json was changed after signing")) << refused.error().message;
  // Without a signature required, nothing of this applies.
  auto unsigned_plan = load_profile_dir_plan(s.dir.path(), false, {});
  ASSERT_FALSE(unsigned_plan.ok());
  EXPECT_FALSE(has(unsigned_plan.error().message, "signing")) << unsigned_plan.error().message;
}

}  // namespace
}  // namespace profile
