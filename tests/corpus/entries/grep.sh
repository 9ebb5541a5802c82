DESCRIPTION="GNU grep: recorded as a test with its output thrown away (>/dev/null), enforced with its output read through a pipe"
RECORD_STDOUT=/dev/null
prepare() {
  mkdir -p src
  printf 'int a; // TODO: rename\nint b;\n' >src/a.c
  printf 'void f(void);\n/* TODO: document */\n' >src/b.h
}
record_job() { RECORD=(grep -rn TODO src); }
enforce_job() { ENFORCE=(grep -rn TODO src); }
