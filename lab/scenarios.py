"""The scenarios of the end-to-end matrix (lab/e2e.py): a consultation's answers, the sample project in
``lab/samples/`` that stands for the program, and the self-checks that exercise what the answers claim. The compiled
languages' scenarios come from lab/e2e_compiled.py."""
from __future__ import annotations

from dataclasses import dataclass

from lab import e2e_compiled as EC

@dataclass(frozen=True)
class Scenario:
    name: str
    sample: str  # directory under lab/samples/
    answers: tuple[tuple[str, str], ...]
    title: str
    # (key, why it cannot be proven here); key: a strategy (all its plans and rejections), "STRATEGY@IMAGE" (that
    # plan or rejection) or "STRATEGY@RULE" (its rejections by that rule)
    unprovable: tuple[tuple[str, str], ...] = ()

    @property
    def facts(self) -> dict[str, str]:
        return dict(self.answers)

    def why_unprovable(self, strategy: str, image: str, rule: str = "", whole: bool = True) -> str:
        """Why this scenario's plan (or rejection by ``rule``) of ``strategy`` on ``image`` cannot be proven here;
        ``whole=False`` leaves out a reason given for every plan of the strategy."""
        u = dict(self.unprovable)
        own = u.get(f"{strategy}@{image}") or (rule and u.get(f"{strategy}@{rule}"))
        return own or (u.get(strategy, "") if whole else "")

    @property
    def checks(self) -> list[str]:
        """The self-checks that exercise what the answers claim."""
        f = self.facts
        out = []
        if f.get("go_net") == "yes" or self.sample == "node":
            out.append("net")
        if f.get("tls") == "yes":
            out.append("tls" if self.sample in ("go-net", "go-cgo", "python", "java") else "ca")
        if f.get("timezones") == "yes":
            out.append("tz")
        if f.get("named_user") == "yes":
            out.append("user")
        if f.get("needs_shell") == "yes":
            out.append("shell")
        if self.sample == "python" and f.get("native_deps") == "yes":  # a manylinux wheel's C extension loads
            out.append("wheel")
        if self.sample == "node" and f.get("native_deps") == "yes":  # a native addon's glibc prebuild loads
            out.append("addon")
        if self.sample == "java" and f.get("native_deps") == "yes":  # a JNI library the jar carries loads
            out.append("jni")
        if "libpq" in f.get("native_libs", "").split(","):
            out.append("libpq")
        return out

    @property
    def argv(self) -> list[str]:
        """The consultation's arguments (``inspect BINARY`` first for a prebuilt binary, shown by its name)."""
        inspect = ["inspect", EC.BINARY] if self.name in EC.PREBUILT else []
        return inspect + [a for k, v in self.answers for a in ("--answer", f"{k}={v}")]


def _s(name: str, sample: str, title: str, unprovable: dict[str, str] | None = None, **answers: str) -> Scenario:
    return Scenario(name, sample, tuple(answers.items()), title, tuple((unprovable or {}).items()))


NO_INDEX = {"python-distroless": "its build stage is plain debian:13-slim, whose pip finds packages only on an index, "
                                 "and none is usable from a build here (no network, or TLS it cannot verify)"}


# The lab's JDK 25 is Debian 13's OpenJDK 25 (lab/recipes_java.py): jlink makes a runtime of Debian's build, which
# needs what Temurin's does not (measured on Temurin 25.0.3: libjli, libjvm and libjava need at most GLIBC_2.17 and
# link no libz, libstdc++ or libgcc_s)
DEBIAN_JLINK = "the lab's jlink runtime is Debian 13's OpenJDK 25 build, not the Temurin build the plan uses: "
JLINK = {
    "java-jlink@debian:bookworm-slim": DEBIAN_JLINK + "Debian's libjli.so, libjava.so and libjvm.so need GLIBC_2.38, "
                                       "which debian:bookworm-slim (glibc 2.36) lacks; Temurin's need at most GLIBC_2.17",
    "java-jlink@MI152": DEBIAN_JLINK + "Debian's libjvm.so links libstdc++.so.6 and libgcc_s.so.1 and its libjli.so "
                        "the system libz.so.1; Temurin's link none of them, so a failure here would not be Temurin's",
}


NO = "no"
SCENARIOS = [
    _s("c-dynamic", "c", "C, dynamic glibc; named time zone, named user",
       language="c", static_ok=NO, native_deps=NO, tls=NO, timezones="yes", named_user="yes", needs_shell=NO),
    _s("c-static", "c", "C, static allowed; nothing else needed",
       language="c", static_ok="yes", native_deps=NO, tls=NO, timezones=NO, named_user=NO, needs_shell=NO),
    _s("c-shell-ca", "c", "C, dynamic glibc; needs a shell and the CA bundle",
       language="c", static_ok=NO, native_deps=NO, tls="yes", timezones=NO, named_user=NO, needs_shell="yes"),
    _s("cpp-dynamic", "cpp", "C++, dynamic (libstdc++, libgcc_s)",
       language="cpp", static_ok=NO, native_deps=NO, tls=NO, timezones=NO, named_user=NO, needs_shell=NO),
    _s("go-pure", "go-pure", "Go without net or os/user; named time zone",
       language="go", cgo=NO, go_net=NO, tls=NO, timezones="yes", named_user=NO, needs_shell=NO),
    _s("go-net-tls", "go-net", "Go net/http + os/user, TLS verification, time zone, named user",
       language="go", cgo=NO, go_net="yes", tls="yes", timezones="yes", named_user="yes", needs_shell=NO),
    _s("go-readme", "go-net", "Go, the README's consultation (HTTPS client, no cgo, no shell)",
       language="go", cgo=NO, go_net="yes", tls="yes", timezones=NO, named_user=NO, needs_shell=NO),
    _s("rust-gnu", "rust", "Rust, std only (panics unwind through libgcc_s); named user",
       language="rust", native_deps=NO, tls=NO, timezones=NO, named_user="yes", needs_shell=NO),
    _s("python-pure", "python", "Python, standard library only; TLS, time zone, named user",
       language="python", python_version="3.13", native_deps=NO, tls="yes", timezones="yes", named_user="yes",
       needs_shell=NO),
    _s("python-wheels", "python", "Python with a native manylinux wheel (MarkupSafe's C speedups)", NO_INDEX,
       language="python", python_version="3.13", native_deps="yes", musl_builds=NO, tls=NO, timezones=NO,
       named_user=NO, needs_shell=NO),
    _s("python-psycopg2", "python", "Python with psycopg2, compiled at install against libpq (no Linux wheel)",
       NO_INDEX, language="python", python_version="3.13", native_deps="yes", musl_builds=NO, native_libs="libpq",
       tls=NO, timezones=NO, named_user=NO, needs_shell=NO),
    _s("node-addon", "node", "Node.js with a native addon (bufferutil's glibc Node-API prebuild)",
       language="node", node_version="22", native_deps="yes", musl_builds=NO, tls=NO, timezones=NO, named_user=NO,
       needs_shell=NO),
    _s("node-pure", "node", "Node.js, no native addons; HTTP on loopback, named user",
       language="node", node_version="22", native_deps=NO, tls=NO, timezones=NO, named_user="yes", needs_shell=NO),
    _s("java-jar", "java", "Java 21 (the lab's JDK), a jar built by Maven; TLS against the JRE's CA store, time zone, "
       "named user", language="java", java_version="21", java_runtime="jar", native_deps=NO, tls="yes",
       timezones="yes", named_user="yes", needs_shell=NO),
    _s("java25-jar", "java", "Java 25 (the lab's JDK 25), a jar built by Maven; TLS against the JRE's CA store, time "
       "zone, named user", language="java", java_version="25", java_runtime="jar", native_deps=NO, tls="yes",
       timezones="yes", named_user="yes", needs_shell=NO),
    _s("java-jni", "java", "Java 21, a jar carrying its own JNI library (a glibc .so the jar extracts and loads)",
       language="java", java_version="21", java_runtime="jar", native_deps="yes", tls=NO, timezones=NO, named_user=NO,
       needs_shell=NO),
    _s("java-jlink", "java", "Java, a runtime made by jlink (the lab's JDK 25); TLS against the runtime's own CA store, "
       "time zone, named user", JLINK, language="java", java_runtime="jlink", native_deps=NO, tls="yes",
       timezones="yes", named_user="yes", needs_shell=NO),
]
SCENARIOS += [_s(name, sample, title, **answers) for name, sample, title, answers in EC.SCENARIOS]
BY_NAME = {s.name: s for s in SCENARIOS}
