"""The reader of one rule file: typed accessors that collect problems as `file:LINE: ID: message`, and the
dispatch of a file's sections to the section readers (kb/loader/catalogue.py, kb/loader/rules.py)."""
from __future__ import annotations

import re
from collections.abc import Iterable

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations here are never evaluated
if TYPE_CHECKING:
    from typing import Any

from ..citations import is_local
from ..errors import Problem
from ..model import Knowledge, Located

NEEDS_CHECKED = ("ca-certificates", "tzdata", "passwd", "shell", "native-libs", "icu")
LIBCS = ("glibc", "musl", "none")
SHELLS = ("none", "busybox", "dash", "bash")
PACKAGE_MANAGERS = ("none", "apk", "apt", "microdnf")
TZDATA = ("yes", "no", "utc-only")
FAMILIES = ("debian", "alpine", "rhel", "wolfi")
# Docker's platform names (linux/...), as `platforms:` of an image lists them; the first six are the `platform` choices
PLATFORMS = ("amd64", "arm64", "arm/v7", "ppc64le", "s390x", "riscv64", "arm/v6", "arm/v5", "386", "mips64le")
SECTIONS = ("version", "include", "questions", "derived", "evidence", "releases", "default_debian", "libraries",
            "images", "strategies", "changes", "caveats", "image_families", "lints", "diagnoses", "rules",
            "native_packages")
# go_cxx: Go modules whose packages link C++ when built with cgo (lint MI403, MI491)
# go_prebuilt: Go modules that link a prebuilt native library (lint MI460-MI462, knowledge/rules-lint-gomods.yaml)
ECOSYSTEMS = ("python", "node", "go", "rust", "system", "https", "conda", "go_cxx", "build_images", "go_prebuilt",
              "source")
#: what a release of releases.yaml may say (`openssl`: its libssl soname version; `openssl_release`: the OpenSSL release
#: itself, where a soname holds two: 1.1.0 and 1.1.1)
RELEASE_KEYS = ("glibc", "debian", "glibcxx", "openssl", "openssl_release", "openssl11_package", "python3", "lacks",
                "ca_bundle")
#: the keys of a package of a language ecosystem (python, node, go, rust, conda, https) in native_packages
PACKAGE_KEYS = ("name", "libs", "note", "tls", "system_libs", "until", "needs_package", "prebuilt_musl", "static_with",
                "loads", "cxx", "skip_env", "images_with", "opened_by", "glibc_prebuild", "musl_builds", "glibc_download",
                "prebuilt_glibc", "zones", "deps_run", "downloads_by", "musl_python", "pure_go", "found_with",
                "system_env", "static_env", "linked_through", "roots", "required_by", "required_unless", "choosing",
                "loads_unless", "error", "glibc_only", "gcompat", "wheel_libs", "import", "wheel_libs_since",
                "install_script", "cxx_versions", "node_abi")


class Reader:
    """Reads one parsed file into a Knowledge, collecting problems. The section readers are mixed in."""
    """Reads one parsed file into a Knowledge, collecting problems."""

    def __init__(self, kb: Knowledge, file: str, problems: list[Problem], origin: dict[tuple[str, str], str],
                 pending: list, documents: set[str]):
        self.kb, self.file, self.problems = kb, file, problems
        self.documents = documents  # ids of the shipped source documents (A1-A17, K8.1-K10.10)
        self.origin = origin  # (section, id) -> "file:line" of its definition, across layers
        self.pending = pending  # (rule, conditions with lines, conclusions with lines) for the cross-check

    def problem(self, line: int, ident: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, ident, message))

    # -- small typed accessors --------------------------------------------------------------------------------------

    def keys_ok(self, item: Located, ident: str, allowed: Iterable[str], required: Iterable[str]) -> bool:
        allowed = set(allowed)
        ok = True
        for key in item:
            if key not in allowed:
                self.problem(item.key_lines.get(key, item.line), ident,
                             f"unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in item or item[key] in (None, "", [], {}):
                self.problem(item.line, ident, f"missing required key '{key}'")
                ok = False
        return ok

    def text(self, item: Located, key: str, ident: str, default: str = "") -> str:
        value = item.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be text")
            return default
        return str(value)

    def strings(self, item: Located, key: str, ident: str) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return (str(value),)
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                           for v in value):
            return tuple(str(v) for v in value)
        self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be a list of text")
        return ()

    def number(self, item: Located, key: str, ident: str) -> float:
        """A number that is not negative (sizes), finite."""
        value = item.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be a number")
            return 0.0
        if not 0 <= value < float("inf"):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be 0 or more, not {value}")
            return 0.0
        return float(value)

    def flag(self, item: Located, key: str, ident: str) -> bool:
        value = item.get(key, False)
        if not isinstance(value, bool):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be true or false")
            return False
        return value

    def choice(self, item: Located, key: str, ident: str, legal: Iterable[str], default: str | None = None) -> str:
        value = self.text(item, key, ident, default or "")
        legal = tuple(legal)
        if value not in legal:
            self.problem(item.key_lines.get(key, item.line), ident,
                         f"'{key}' is '{value}', expected one of: {', '.join(legal)}")
        return value

    def items(self, doc: Located, section: str) -> list[Located]:
        value = doc.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(doc.key_lines.get(section, 1), section, f"'{section}' must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, Located):
                self.problem(doc.key_lines.get(section, 1), section, f"entry {i + 1} of '{section}' must be a mapping")
            else:
                out.append(item)
        return out

    def id_and_name(self, item: Located, ident: str, prefix: str, what: str) -> str:
        """Check an ID of the form PREFIX + two digits and a kebab-case name; returns the name."""
        if not re.fullmatch(prefix + r"\d\d", ident):
            self.problem(item.line, ident, f"{what} id is {prefix} followed by two digits")
        name = self.text(item, "name", ident)
        if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
            self.problem(item.key_lines.get("name", item.line), ident, f"name '{name}' is not kebab-case")
        return name

    def mapping(self, doc: Located, key: str, ident: str) -> Located:
        value = doc.get(key)
        if isinstance(value, Located):
            return value
        if value is not None:
            self.problem(doc.key_lines.get(key, doc.line), ident, f"'{key}' must be a mapping")
        empty = Located()
        empty.line = doc.line
        return empty

    def claim(self, section: str, ident: str, line: int, table: dict) -> bool:
        """Register an id; a second definition, in this file or a lower layer, is a clash."""
        if ident in table:
            where = self.origin.get((section, ident), "an earlier definition")
            self.problem(line, ident, f"duplicate {section[:-1] if section.endswith('s') else section} id "
                                      f"'{ident}' (already defined at {where})")
            return False
        self.origin[(section, ident)] = f"{self.file}:{line}"
        return True

    # -- sections -------------------------------------------------------------------------------------------------

    def read(self, doc: Any) -> None:
        if not isinstance(doc, Located):
            self.problem(1, "file", "a rule file must be a YAML mapping with sections such as 'rules' and 'images'")
            return
        for key in doc:
            if key not in SECTIONS:
                self.problem(doc.key_lines[key], key, f"unknown section '{key}' (expected one of: {', '.join(SECTIONS)})")
        if "version" in doc and doc["version"] != 1:
            self.problem(doc.key_lines["version"], "version", f"unsupported version {doc['version']!r} (expected 1)")
        self.read_questions(doc)
        self.read_derived(doc)
        self.read_releases(doc)
        self.read_libraries(doc)
        self.read_images(doc)
        self.read_strategies(doc)
        self.read_changes(doc)
        self.read_caveats(doc)
        self.read_rules(doc)
        self.read_image_families(doc)
        self.read_lints(doc)
        self.read_diagnoses(doc)
        self.read_native_packages(doc)

    def facts(self, item: Located, key: str, ident: str) -> list[tuple[str, Any, int]]:
        raw = item.get(key)
        if raw is None:
            return []
        if not isinstance(raw, Located):
            self.problem(item.key_lines.get(key, item.line), ident, f"'{key}' must be a mapping of fact: value")
            return []
        return [(str(name), value, raw.key_lines.get(name, raw.line)) for name, value in raw.items()]

    def sources_ok(self, item: Located, ident: str, key: str = "sources") -> tuple[str, ...]:
        sources = self.strings(item, key, ident)
        for src in sources:
            if is_local(src) and src not in self.documents:
                what = "an article claim (A1-A17)" if src.startswith("A") else "a section of the knowledge notes"
                self.problem(item.key_lines.get(key, item.line), ident,
                             f"source '{src}' is not {what} in docs/sources")
        return sources


def _registered(kind: str) -> list[str]:
    """The names under which code registered the detection of `kind` rules (importing the code registers it)."""
    from ..detectors import DETECTORS

    if kind == "check":
        from ..checks import STATIC_CHECKS  # noqa: F401 - importing the module registers the MI15x checks
    else:
        from ..lint import ON_DEMAND  # importing kb.lint registers the MI4xx checks, but for those it loads on demand

        return [*DETECTORS[kind], *(n for names, _needed in ON_DEMAND.values() for n in names)]
    return list(DETECTORS[kind])
