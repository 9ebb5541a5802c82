// Prints the real and effective ids and the effective capability mask, as
// the kernel sees them after execve (used setuid-root to show that
// no_new_privs makes the setuid bit inert).
#include <linux/capability.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {{0, 0, 0}, {0, 0, 0}};
  if (syscall(SYS_capget, &hdr, data) != 0) return 2;
  unsigned long long eff = ((unsigned long long)data[1].effective << 32) | data[0].effective;
  unsigned long long prm = ((unsigned long long)data[1].permitted << 32) | data[0].permitted;
  printf("uid=%d euid=%d cap_eff=%llx cap_prm=%llx\n", (int)getuid(), (int)geteuid(), eff, prm);
  return 0;
}
