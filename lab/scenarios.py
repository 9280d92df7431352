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
    unprovable: tuple[tuple[str, str], ...] = ()  # (strategy, why its plans cannot be built here)

    @property
    def facts(self) -> dict[str, str]:
        return dict(self.answers)

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
]
SCENARIOS += [_s(name, sample, title, **answers) for name, sample, title, answers in EC.SCENARIOS]
BY_NAME = {s.name: s for s in SCENARIOS}
