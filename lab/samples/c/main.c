/* minimage e2e sample (C): a self-check of what the answers claimed about the final image.
 * checks.h (written by lab/e2e.py next to this file) defines CHECKS, a comma-separated list of:
 *   tz     a named time zone loads (America/New_York is EST in January)
 *   user   the running user has an /etc/passwd entry (getpwuid)
 *   shell  /bin/sh exists and is executable
 *   ca     the system CA bundle is present (/etc/ssl/certs/ca-certificates.crt has certificates)
 * Prints "check NAME: ok|FAIL ..." per check, then "SELF-CHECK OK" (exit 0) or "SELF-CHECK FAILED" (exit 1). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "checks.h"

static int has(const char *name) {
    char buf[256];
    snprintf(buf, sizeof buf, ",%s,", CHECKS);
    char want[64];
    snprintf(want, sizeof want, ",%s,", name);
    return strstr(buf, want) != NULL;
}

static int check_tz(void) {
    setenv("TZ", "America/New_York", 1);
    tzset();
    time_t t = 1736942400; /* 2025-01-15 12:00 UTC */
    struct tm tm;
    localtime_r(&t, &tm);
    int ok = strcmp(tm.tm_zone, "EST") == 0 && tm.tm_hour == 7;
    printf("check tz: %s (America/New_York -> %s %02d:00)\n", ok ? "ok" : "FAIL", tm.tm_zone, tm.tm_hour);
    return ok;
}

static int check_user(void) {
    struct passwd *pw = getpwuid(geteuid());
    printf("check user: %s (uid %d -> %s)\n", pw ? "ok" : "FAIL", (int)geteuid(), pw ? pw->pw_name : "no passwd entry");
    return pw != NULL;
}

static int check_shell(void) {
    int ok = access("/bin/sh", X_OK) == 0;
    printf("check shell: %s (/bin/sh)\n", ok ? "ok" : "FAIL");
    return ok;
}

static int check_ca(void) {
    FILE *f = fopen("/etc/ssl/certs/ca-certificates.crt", "r");
    int n = 0;
    char line[128];
    while (f && fgets(line, sizeof line, f))
        n += strncmp(line, "-----BEGIN CERTIFICATE-----", 27) == 0;
    if (f) fclose(f);
    printf("check ca: %s (%d certificates in /etc/ssl/certs/ca-certificates.crt)\n", n > 0 ? "ok" : "FAIL", n);
    return n > 0;
}

int main(void) {
    int ok = 1;
    printf("check start: ok (C)\n");
    if (has("tz")) ok &= check_tz();
    if (has("user")) ok &= check_user();
    if (has("shell")) ok &= check_shell();
    if (has("ca")) ok &= check_ca();
    puts(ok ? "SELF-CHECK OK" : "SELF-CHECK FAILED");
    return ok ? 0 : 1;
}
