// Makes one i386 syscall through int $0x80 (getpid, 20 in the i386 table)
// from a 64-bit process: the compat-syscall path seccomp filters must cover.
// Without IA-32 emulation the kernel raises SIGSEGV.
#include <stdio.h>

int main(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
  printf("int80 getpid %ld\n", ret);
  return ret > 0 ? 0 : 1;
}
