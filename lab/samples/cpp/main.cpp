// minimage e2e sample (C++): starts only where libstdc++ and libgcc_s load (or are linked in), then the same
// self-checks as the C sample. checks.h (written by lab/e2e.py) defines CHECKS.
#include <pwd.h>
#include <unistd.h>

#include <ctime>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "checks.h"

static bool has(const std::string &name) {
    return ("," + std::string(CHECKS) + ",").find("," + name + ",") != std::string::npos;
}

int main() {
    bool ok = true;
    try {  // exceptions need libgcc_s's unwinder
        throw std::runtime_error("unwound");
    } catch (const std::exception &e) {
        std::cout << "check start: ok (C++, exception " << e.what() << ")\n";
    }
    if (has("tz")) {
        setenv("TZ", "America/New_York", 1);
        tzset();
        std::time_t t = 1736942400;
        std::tm tm{};
        localtime_r(&t, &tm);
        bool r = std::string(tm.tm_zone) == "EST" && tm.tm_hour == 7;
        std::cout << "check tz: " << (r ? "ok" : "FAIL") << " (America/New_York -> " << tm.tm_zone << ")\n";
        ok = ok && r;
    }
    if (has("user")) {
        passwd *pw = getpwuid(geteuid());
        std::cout << "check user: " << (pw ? "ok" : "FAIL") << " (uid " << geteuid() << ")\n";
        ok = ok && pw;
    }
    if (has("shell")) {
        bool r = access("/bin/sh", X_OK) == 0;
        std::cout << "check shell: " << (r ? "ok" : "FAIL") << " (/bin/sh)\n";
        ok = ok && r;
    }
    if (has("ca")) {
        std::ifstream f("/etc/ssl/certs/ca-certificates.crt");
        std::stringstream s;
        s << f.rdbuf();
        bool r = s.str().find("-----BEGIN CERTIFICATE-----") != std::string::npos;
        std::cout << "check ca: " << (r ? "ok" : "FAIL") << " (/etc/ssl/certs/ca-certificates.crt)\n";
        ok = ok && r;
    }
    std::cout << (ok ? "SELF-CHECK OK" : "SELF-CHECK FAILED") << std::endl;
    return ok ? 0 : 1;
}
