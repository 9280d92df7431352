/* Built with -O2 -D_FORTIFY_SOURCE=2, printf with a run-time format becomes
 * __printf_chk: a glibc-only symbol that musl does not provide. */
#include <stdio.h>
int main(int argc, char **argv) {
    const char *fmt = argc > 5 ? argv[1] : "hello from fortified C (%d args)\n";
    printf(fmt, argc);
    return 0;
}
