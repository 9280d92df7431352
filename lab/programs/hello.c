/* Plain C hello: dynamic against glibc by default, or -static. */
#include <stdio.h>
int main(void) { puts("hello from C"); return 0; }
