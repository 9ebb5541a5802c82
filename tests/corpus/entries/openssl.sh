DESCRIPTION="openssl dgst: a SHA-256 digest of one file; enforced with SHA-512 over other files"
prepare() {
  head -c 100000 /dev/zero | tr '\0' 'a' >release.tar
  mkdir -p dist && printf 'one\n' >dist/a.bin && printf 'two\n' >dist/b.bin
}
record_job() { RECORD=(openssl dgst -sha256 release.tar); }
enforce_job() { ENFORCE=(openssl dgst -sha512 dist/a.bin dist/b.bin); }
