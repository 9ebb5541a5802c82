/* Makes an IA-32 syscall (getpid, 20) through int $0x80 from a 64-bit
 * process. Without IA-32 emulation the kernel raises SIGSEGV. */
#include <stdio.h>

int main(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
  printf("%ld\n", ret);
  return ret > 0 ? 0 : 1;
}
