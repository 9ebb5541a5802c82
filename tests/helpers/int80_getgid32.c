// Makes one i386 syscall through int $0x80 from a 64-bit process: getgid32,
// 200 in the i386 table, which is tkill in the x86_64 one. tkill is never
// added by a widening (profilegen's never_widened_syscalls), so a recorder
// that filed the call under the wrong table shows as tkill in the x86_64
// set. Without IA-32 emulation the kernel raises SIGSEGV.
#include <stdio.h>

int main(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(200L) : "memory", "r8", "r9", "r10", "r11");
  printf("int80 getgid32 %ld\n", ret);
  return ret >= 0 ? 0 : 1;
}
