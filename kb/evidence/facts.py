"""Evidence -> facts: what an ELF binary, a script or a source tree shows, as justified facts for the rule base.

Each fact carries the file (and line) that shows it, so the justification of a plan can name it. Only what the
artefact proves is asserted: a Go tree without `import "C"` may still pull in a cgo module we do not know, so that
absence is not turned into `cgo = no`; the question stays open instead.
"""
from __future__ import annotations

import os

from ..model import Fact, Justification
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: inspect_path imports the one parser the path needs
    from .elf import ElfReport
    from .project import ProjectReport
    from .script import ScriptReport

# sonames that come with the C library itself (glibc's split libraries and musl's single libc)
LIBC_SONAMES = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
                "libutil.so.1", "libanl.so.1", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"}
CXX_SONAMES = {"libstdc++.so.6", "libgcc_s.so.1"}
SCRIPT_LANGUAGES = {"python": "python", "node": "node"}


def _evidence(name: str, value: str, where: str) -> Justification:
    return Justification(Fact(name, value), "evidence", note=where)


def elf_platform(report: ElfReport) -> tuple[str, str] | None:
    """The Docker platform an ELF file runs on, and how it was told; None for a CPU outside the `platform` choices."""
    arch, bits, little = report.arch, report.elf_class, report.endianness == "little"
    if arch == "x86_64":
        return "amd64", "x86-64"
    if arch == "aarch64" and little:
        return "arm64", "64-bit ARM"
    if arch == "arm" and bits == 32 and little:  # the header does not tell v5/v6/v7 apart; v7 is the Docker default
        return "arm/v7", "32-bit ARM, taken as ARMv7: the ELF header does not name the ARM version"
    if arch == "ppc64" and little:
        return "ppc64le", "64-bit POWER, little-endian"
    if arch == "s390" and bits == 64:
        return "s390x", "64-bit IBM Z"
    if arch == "riscv" and bits == 64:
        return "riscv64", "64-bit RISC-V"
    return None


def facts_from_elf(report: ElfReport) -> list[Justification]:
    where = report.path
    out = []
    language = "go" if report.is_go else "cpp" if "libstdc++.so.6" in report.needed or report.glibcxx_version \
        else None
    if language:
        out.append(_evidence("language", language, where))
    if report.is_static:
        out.append(_evidence("binary_libc", "none", f"{where} (statically linked: no ELF interpreter)"))
    elif report.libc in ("glibc", "musl"):
        out.append(_evidence("binary_libc", report.libc, f"{where} (interpreter {report.interpreter})"))
    for soname in report.needed:
        out.append(_evidence("binary_needs", soname, f"{where} (DT_NEEDED)"))
    # DT_NEEDED is the whole list of libraries the loader must find: beyond the C and C++ runtimes, they are the
    # program's own native libraries; a static binary carries its libraries inside
    own = sorted(set(report.needed) - LIBC_SONAMES - CXX_SONAMES)
    if own:
        out.append(_evidence("native_deps", "yes", f"{where} (DT_NEEDED {', '.join(own)})"))
    elif report.is_static or report.needed:
        out.append(_evidence("native_deps", "no", f"{where} (statically linked)" if report.is_static else
                             f"{where} (DT_NEEDED only {', '.join(report.needed)}: the C and C++ runtimes)"))
    if report.glibc_version:
        out.append(_evidence("binary_glibc", report.glibc_version, f"{where} (needs GLIBC_{report.glibc_version})"))
    out.append(_evidence("binary_arch", report.arch, f"{where} (ELF machine {report.machine})"))
    platform = elf_platform(report)
    if platform:
        value, how = platform
        out.append(_evidence("binary_platform", value, f"{where} (ELF machine {report.machine}: {how})"))
        out.append(_evidence("platform", value, f"{where} (ELF machine {report.machine}: {how})"))
    if report.go and report.go.cgo_enabled is False:
        out.append(_evidence("cgo", "no", f"{where} (Go build setting CGO_ENABLED=0)"))
    return out


def facts_from_script(report: ScriptReport) -> list[Justification]:
    where = f"{report.path}:1 (#!{report.shebang})" if report.shebang else report.path
    out = []
    language = SCRIPT_LANGUAGES.get(report.family or "")
    if language:
        out.append(_evidence("language", language, where))
    if report.needs_shell:
        out.append(_evidence("needs_shell", "yes", where))
    return out


# project observation key -> (fact, value) it proves
OBSERVATION_FACTS = {
    "go.cgo_import": ("cgo", "yes"),
    "go.cgo_module": ("cgo", "yes"),
    "go.imports_net": ("go_net", "yes"),
    "go.imports_os_user": ("go_net", "yes"),
    "python.native_package": ("native_deps", "yes"),
    "node.native_package": ("native_deps", "yes"),
    "node.binding_gyp": ("native_deps", "yes"),
    "rust.native_crate": ("native_deps", "yes"),
    "go.tls": ("tls", "yes"),
    "rust.tls": ("tls", "yes"),
    "tls.https_url": ("tls", "yes"),
    "tls.library": ("tls", "yes"),
    "tz.used": ("timezones", "yes"),
}
PROJECT_LANGUAGES = {"go": "go", "rust": "rust", "python": "python", "node": "node", "c": "c", "cpp": "cpp",
                     "c++": "cpp", "java": "java"}
PLAIN_LIBS = {"c", "m", "pthread", "dl", "rt", "stdc++", "gcc_s"}
# -lNAME -> the library as question native_libs names it (knowledge/releases.yaml `libraries`, by `name`)
LINKED_LIBRARIES = {"pq": "libpq", "ssl": "libssl", "crypto": "libssl", "z": "zlib", "zstd": "libzstd",
                    "sqlite3": "libsqlite3", "xml2": "libxml2", "xslt": "libxslt", "ffi": "libffi", "yaml": "libyaml",
                    "curl": "libcurl", "jpeg": "libjpeg"}
PACKAGE_OBSERVATIONS = {"python.native_package": "python", "node.native_package": "node", "rust.native_crate": "rust"}


def facts_from_project(report: ProjectReport, natives=None) -> list[Justification]:
    """Evidence facts from a project report; `natives` (Knowledge.native_packages) names the system libraries of
    the native packages that link them (`system_libs: true`), as native_libs."""
    out: list[Justification] = []
    seen: set[tuple[str, str]] = set()

    def add(name: str, value: str, obs) -> None:
        if (name, value) in seen:
            return
        seen.add((name, value))
        where = os.path.join(report.root, obs.file) if obs.file else report.root
        if obs.line:
            where += f":{obs.line}"
        detail = f"{obs.key} {obs.value}".strip() if obs.value else obs.key
        out.append(_evidence(name, value, f"{where} ({detail})"))

    language = PROJECT_LANGUAGES.get(report.language or "")
    if language:
        # the first file of that language's own observations (C and C++ share theirs), not another ecosystem's
        own = ("c.", "cpp.") if language in ("c", "cpp") else (language + ".",)
        first = next((o for o in report.observations if o.key.startswith(own)), None)
        where = os.path.join(report.root, first.file) if first and first.file not in ("", ".") else report.root
        out.append(_evidence("language", language, f"{where} (project files)"))
    known = set(LINKED_LIBRARIES.values())
    for obs in report.observations:
        if obs.key in OBSERVATION_FACTS:
            add(*OBSERVATION_FACTS[obs.key], obs)
        elif obs.key == "c.links" and obs.value not in PLAIN_LIBS:  # the name without -l: ssl, z, m
            add("native_deps", "yes", obs)
            if obs.value in LINKED_LIBRARIES:
                add("native_libs", LINKED_LIBRARIES[obs.value], obs)
        if obs.key in PACKAGE_OBSERVATIONS and natives:
            entry = natives.get(PACKAGE_OBSERVATIONS[obs.key], {}).get(str(obs.value), {})
            for lib in entry.get("libs", ()) if entry.get("system_libs") else ():
                if lib in known:
                    add("native_libs", lib, obs)
    return out


def inspect_path(path: str, natives=None) -> tuple[str, object, list[Justification]]:
    """Inspect an ELF binary, a `#!` script or a source directory: (kind, report, evidence facts).

    `natives` is the native-package table for a directory: pass Knowledge.native_packages.
    Raises EvidenceError when the path is none of these or cannot be read (a FIFO or device is never opened).
    """
    from .errors import EvidenceError, read_head, stat_regular_file

    if os.path.isdir(path):
        from .project import inspect_project

        try:  # a directory that cannot be listed is an error, not an empty project
            with os.scandir(path) as entries:
                next(entries, None)
        except OSError as e:
            raise EvidenceError(path, f"cannot read the directory: {e.strerror or e}", reason="unreadable") from None
        report = inspect_project(path, natives)
        return "project", report, facts_from_project(report, natives)
    # the type first: a FIFO or a device is never opened (it would hang or never end)
    stat_regular_file(path, "an ELF binary, a #! script or a directory")
    head = read_head(path, 4)
    if head == b"\x7fELF":
        from .elf import inspect_elf

        report = inspect_elf(path)
        facts = facts_from_elf(report)
        if report.is_static or report.libc in ("glibc", "musl"):
            facts.append(_evidence("binary_name", os.path.basename(path), path))
        if report.glibcxx_version:
            facts.append(_evidence("binary_glibcxx", report.glibcxx_version,
                                   f"{path} (needs GLIBCXX_{report.glibcxx_version})"))
        return "binary", report, facts
    if head[:2] == b"#!":
        from .script import inspect_script

        report = inspect_script(path)
        return "script", report, facts_from_script(report)
    raise EvidenceError(path, "not an ELF binary, a script starting with #!, or a directory")
