"""Reading the catalogue sections of a rule file: questions, derived and evidence facts, releases, libraries,
the native-package table, images, strategies, changes and caveats."""
from __future__ import annotations

import re

from ..model import UNKNOWN, Caveat, Change, Image, Located, Question, Step, Strategy
from ..versions import runtime_release
from .reader import (ECOSYSTEMS, FAMILIES, LIBCS, NEEDS_CHECKED, PACKAGE_KEYS, PACKAGE_MANAGERS, PLATFORMS,
                     RELEASE_KEYS, SHELLS, TZDATA, Reader)


class CatalogueSections(Reader):
    def read_questions(self, doc: Located) -> None:
        for item in self.items(doc, "questions"):
            qid = self.text(item, "id", "question") or "question"
            if not self.keys_ok(item, qid, ("id", "text", "choices", "aliases", "if_unknown", "unknown_reason", "help",
                                          "multiple"), ("id", "text", "choices")):
                continue
            if not re.fullmatch(r"[a-z][a-z0-9_]*", qid):
                self.problem(item.line, qid, "a question id must be a snake_case fact name")
            choices = self.mapping(item, "choices", qid)
            choice_text = {str(k): str(v) for k, v in choices.items()}
            if UNKNOWN in choice_text:
                self.problem(choices.key_lines.get(UNKNOWN, item.line), qid, "'unknown' is always allowed; do not list it")
            aliases = {str(k).lower(): str(v) for k, v in self.mapping(item, "aliases", qid).items()}
            for alias, target in aliases.items():
                if alias in choice_text and alias != target:
                    self.problem(item.key_lines.get("aliases", item.line), qid,
                                 f"alias '{alias}' is also a choice: it cannot mean '{target}'")
                if target not in choice_text:
                    self.problem(item.key_lines.get("aliases", item.line), qid,
                                 f"alias '{alias}' points to '{target}', which is not a choice")
            if_unknown = item.get("if_unknown")
            if if_unknown is not None and str(if_unknown) not in choice_text:
                self.problem(item.key_lines.get("if_unknown", item.line), qid,
                             f"if_unknown '{if_unknown}' is not a choice (choices: {', '.join(choice_text)})")
            if self.claim("questions", qid, item.line, self.kb.questions):
                self.kb.questions[qid] = Question(
                    id=qid, text=self.text(item, "text", qid), choices=choice_text, aliases=aliases,
                    if_unknown=None if if_unknown is None else str(if_unknown),
                    unknown_reason=self.text(item, "unknown_reason", qid), help=self.text(item, "help", qid),
                    line=item.line, multiple=self.flag(item, "multiple", qid))

    def read_derived(self, doc: Located) -> None:
        for section in ("derived", "evidence"):  # the tables only where a file has facts (kb/loader/filecache.py)
            facts = self.mapping(doc, section, section)
            for name, values in facts.items():
                line = facts.key_lines.get(name, facts.line)
                if not isinstance(values, Located):
                    self.problem(line, name, f"a fact under '{section}' lists its values as a mapping: value: description")
                    continue
                if name in self.kb.derived or name in self.kb.evidence or name in self.kb.questions:
                    self.problem(line, name, f"fact '{name}' is already defined")
                    continue
                getattr(self.kb, section)[name] = {str(k): str(v) for k, v in values.items()}

    def read_releases(self, doc: Located) -> None:
        releases = self.mapping(doc, "releases", "releases")
        for name, info in releases.items():
            if not isinstance(info, Located):
                self.problem(releases.key_lines.get(name, releases.line), name, "a release is a mapping (glibc, debian)")
                continue
            self.keys_ok(info, name, RELEASE_KEYS, ())
            self.kb.releases[name] = {k: str(v) for k, v in info.items()}
            if (bundle := info.get("ca_bundle", "none")) != "none" and not str(bundle).startswith("/"):
                self.problem(info.key_lines["ca_bundle"], name, "ca_bundle is `none` or the path of the only bundle")
            if (lacks := info.get("lacks")) is not None:  # one string, as every value of a release: "libgmp libfoo"
                ok = isinstance(lacks, list) and all(isinstance(x, str) and " " not in x for x in lacks)
                self.kb.releases[name]["lacks"] = " ".join(lacks) if ok else ""
                ok or self.problem(info.key_lines.get("lacks", info.line), name, "lacks is a list of library stems")
        if "default_debian" in doc:
            self.kb.default_debian = str(doc["default_debian"])

    def read_libraries(self, doc: Located) -> None:
        libraries = self.mapping(doc, "libraries", "libraries")
        for soname, info in libraries.items():
            if not isinstance(info, Located):
                self.problem(libraries.key_lines.get(soname, libraries.line), soname,
                             "a library maps package managers to package names")
                continue
            self.keys_ok(info, soname, ("apt", "apk", "wolfi", "rpm", "size_mb", "name", "dev", "dev_also", "runtime",
                                        "sonames", "programs", "find"), ())
            if "size_mb" in info:
                self.number(info, "size_mb", soname)
            entry = {k: dict(v) if isinstance(v, dict) else v for k, v in info.items()}
            for key in ("dev_also", "runtime", "find"):  # lint (MI412): -dev names, what ships it, build files' names
                if key in info:
                    entry[key] = self.strings(info, key, soname)
            if "programs" in info:  # lint MI412: "PACKAGES PATH [RELEASES]", a file the package installs linked
                entry["programs"] = self._shaped(  # against it (kb/lint/aptprograms.py)
                    info, "programs", soname, r"[a-z0-9][a-z0-9+.-]*(?:\|[a-z0-9][a-z0-9+.-]*)* /[^ ]+"
                    r"(?: [a-z0-9.]+(?:,[a-z0-9.]+)*)?", "'PACKAGE[|PACKAGE...] /PATH [RELEASE,...]'")
            if entry.get("dev_also") and "runtime" not in entry:
                self.problem(info.key_lines.get("dev_also", info.line), soname,
                             "'dev_also' is for lint, which indexes a library by its 'runtime' globs: add them")
            stem = library_stem(soname, entry)
            if "runtime" in entry and stem in self.kb.native_packages.get("system", {}):
                self.problem(info.key_lines.get("runtime", info.line), soname,
                             f"'{stem}' is also under native_packages system: describe it in one place")
            self.kb.libraries[soname] = entry

    def read_images(self, doc: Located) -> None:
        keys = ("ref", "title", "aliases", "libc", "libc_version", "loader", "release", "libs", "shell", "shell_path",
                "package_manager", "ca_certificates", "tzdata", "passwd", "nonroot_user", "runtime", "runtime_path",
                "size_mb", "size_source", "sources", "notes", "deprecated", "entrypoint", "platforms", "platforms_source")
        for item in self.items(doc, "images"):
            ref = self.text(item, "ref", "image") or "image"
            if not self.keys_ok(item, ref, keys, ("ref", "title", "libc", "release", "size_mb", "sources")):
                continue
            libc = self.choice(item, "libc", ref, LIBCS)
            if libc != "none" and not item.get("loader"):
                self.problem(item.line, ref, f"an image with {libc} needs 'loader' (its ELF interpreter path)")
            image = Image(
                ref=ref, title=self.text(item, "title", ref), libc=libc,
                libc_version=self.text(item, "libc_version", ref) or None, loader=self.text(item, "loader", ref) or None,
                release=self.text(item, "release", ref), libs=frozenset(self.strings(item, "libs", ref)),
                shell=self.choice(item, "shell", ref, SHELLS, "none"),
                package_manager=self.choice(item, "package_manager", ref, PACKAGE_MANAGERS, "none"),
                ca_certificates=self.flag(item, "ca_certificates", ref),
                tzdata=self.choice(item, "tzdata", ref, TZDATA, "no"), passwd=self.flag(item, "passwd", ref),
                nonroot_user=self.text(item, "nonroot_user", ref) or None, runtime=self.text(item, "runtime", ref) or None,
                runtime_path=self.text(item, "runtime_path", ref) or None,
                size_mb=self.number(item, "size_mb", ref), size_source=self.text(item, "size_source", ref),
                sources=self.sources_ok(item, ref), notes=self.text(item, "notes", ref),
                aliases=self.strings(item, "aliases", ref), deprecated=self.text(item, "deprecated", ref) or None,
                line=item.line, entrypoint=self.strings(item, "entrypoint", ref),
                platforms=self.strings(item, "platforms", ref), platforms_source=self.text(item, "platforms_source", ref),
                shell_path=self.text(item, "shell_path", ref, "/bin/sh"))
            for platform in (p for p in image.platforms if p not in PLATFORMS):
                self.problem(item.key_lines.get("platforms", item.line), ref,
                             f"platform '{platform}' is not one of: {', '.join(PLATFORMS)}")
            if image.platforms and not image.platforms_source:
                self.problem(item.key_lines.get("platforms", item.line), ref,
                             "'platforms' needs 'platforms_source' (where the list is published)")
            if image.runtime and not image.runtime_path:
                self.problem(item.line, ref, "an image with a 'runtime' needs 'runtime_path'")
            if ref in self.kb.image_aliases:
                self.problem(item.line, ref, f"'{ref}' is already an alias of {self.kb.image_aliases[ref]}")
            elif self.claim("images", ref, item.line, self.kb.images):
                self.kb.images[ref] = image
                for alias in image.aliases:
                    taken = self.kb.image_aliases.get(alias) or (alias if alias in self.kb.images else None)
                    if taken is not None or alias == ref:
                        self.problem(item.key_lines.get("aliases", item.line), ref,
                                     f"alias '{alias}' is already taken (by {taken or ref})")
                    else:
                        self.kb.image_aliases[alias] = ref

    def steps(self, item: Located, ident: str, stages: tuple[str, ...] = ("build", "final")) -> tuple[Step, ...]:
        out = []
        raw = item.get("steps") or []
        if not isinstance(raw, list):
            self.problem(item.key_lines.get("steps", item.line), ident, "'steps' must be a list")
            return ()
        for step in raw:
            if not isinstance(step, Located):
                self.problem(item.key_lines.get("steps", item.line), ident, "each step is a mapping with stage and do")
                continue
            self.keys_ok(step, ident, ("stage", "do", "why", "family", "go_tag", "before"), ("stage",))
            if not step.get("do") and not step.get("go_tag"):
                self.problem(step.line, ident, "a step needs 'do' (a Dockerfile instruction) or 'go_tag'")
            stage = self.choice(step, "stage", ident, stages)
            family = self.text(step, "family", ident)
            if family and family not in FAMILIES:
                self.problem(step.line, ident, f"step family '{family}' is not one of: {', '.join(FAMILIES)}")
            tags = tuple(t.strip() for t in self.text(step, "go_tag", ident).split(",") if t.strip())
            out.append(Step(stage=stage, instruction=self.text(step, "do", ident), why=self.text(step, "why", ident),
                            family=family or None, go_tags=tags, before=self.text(step, "before", ident) or None))
        return tuple(out)

    def read_strategies(self, doc: Located) -> None:
        keys = ("id", "title", "build_image", "build_release", "build_family", "libc", "libs", "runtime", "steps", "cmd",
                "sources", "prebuilt", "build_platforms", "build_platforms_source", "native_build", "newer_runtime_runs")
        for item in self.items(doc, "strategies"):
            sid = self.text(item, "id", "strategy") or "strategy"
            prebuilt = self.flag(item, "prebuilt", sid)
            required = ("id", "title", "build_family", "libc", "steps", "sources")
            if not self.keys_ok(item, sid, keys, required + (() if prebuilt else ("build_image",))):
                continue
            strategy = Strategy(
                id=sid, title=self.text(item, "title", sid), build_image=self.text(item, "build_image", sid),
                build_release=self.text(item, "build_release", sid) or None,
                build_family=self.choice(item, "build_family", sid, FAMILIES),
                libc=self.choice(item, "libc", sid, (*LIBCS, "any", "evidence")),
                libs=frozenset(self.strings(item, "libs", sid)),
                runtime=self.text(item, "runtime", sid) or None, steps=self.steps(item, sid),
                cmd=self.strings(item, "cmd", sid) or ("/app",), sources=self.sources_ok(item, sid),
                prebuilt=prebuilt, line=item.line, build_platforms=self.strings(item, "build_platforms", sid),
                native_build=self.strings(item, "native_build", sid),
                newer_runtime_runs=self.flag(item, "newer_runtime_runs", sid))
            for platform in (p for p in strategy.build_platforms if p not in PLATFORMS):
                self.problem(item.key_lines.get("build_platforms", item.line), sid,
                             f"platform '{platform}' is not one of: {', '.join(PLATFORMS)}")
            if strategy.newer_runtime_runs and not runtime_release(strategy.runtime or "")[1]:
                self.problem(item.key_lines.get("newer_runtime_runs", item.line), sid,
                             "'newer_runtime_runs' needs a 'runtime' with a release number, like java21")
            if strategy.build_platforms and not self.text(item, "build_platforms_source", sid):
                self.problem(item.key_lines.get("build_platforms", item.line), sid,
                             "'build_platforms' needs 'build_platforms_source' (where the list is published)")
            if self.claim("strategies", sid, item.line, self.kb.strategies):
                self.kb.strategies[sid] = strategy

    def read_changes(self, doc: Located) -> None:
        for item in self.items(doc, "changes"):
            cid = self.text(item, "id", "change") or "change"
            if not self.keys_ok(item, cid, ("id", "title", "supplies", "applies_to", "size_mb", "steps", "build_platform"),
                                ("id", "title", "steps")):
                continue
            supplies = self.text(item, "supplies", cid) or None
            if supplies and supplies not in NEEDS_CHECKED:
                self.problem(item.key_lines.get("supplies", item.line), cid,
                             f"supplies '{supplies}' is not one of: {', '.join(NEEDS_CHECKED)}")
            change = Change(id=cid, title=self.text(item, "title", cid), supplies=supplies,
                            applies_to=self.strings(item, "applies_to", cid),
                            steps=self.steps(item, cid, ("setup", "build", "final")),
                            size_mb=self.number(item, "size_mb", cid) if "size_mb" in item else 0.0, line=item.line,
                            build_platform=self.text(item, "build_platform", cid))
            if self.claim("changes", cid, item.line, self.kb.changes):
                self.kb.changes[cid] = change

    def read_caveats(self, doc: Located) -> None:
        for item in self.items(doc, "caveats"):
            cid = self.text(item, "id", "caveat") or "caveat"
            if not self.keys_ok(item, cid, ("id", "text", "strategies", "images"), ("id", "text")):
                continue
            caveat = Caveat(id=cid, text=self.text(item, "text", cid), strategies=self.strings(item, "strategies", cid),
                            images=self.strings(item, "images", cid), line=item.line)
            if self.claim("caveats", cid, item.line, self.kb.caveats):
                self.kb.caveats[cid] = caveat

    def read_native_packages(self, doc: Located) -> None:
        """{ecosystem: [{name, libs, note, tls}]}: packages known to need native code (for inspect and lint)."""
        table = self.mapping(doc, "native_packages", "native_packages")
        for eco, entries in table.items():
            line = table.key_lines.get(eco, table.line)
            if eco not in ECOSYSTEMS:
                self.problem(line, str(eco), f"unknown ecosystem '{eco}' (expected one of: {', '.join(ECOSYSTEMS)})")
                continue
            if not isinstance(entries, list):
                self.problem(line, eco, f"'{eco}' must be a list of packages")
                continue
            known = self.kb.native_packages.setdefault(eco, {})
            for entry in entries:
                if not isinstance(entry, Located):
                    self.problem(line, eco, "a native package is a mapping (name, libs, note)")
                    continue
                name = self.text(entry, "name", eco)
                if eco == "build_images":  # lint: the -dev packages a builder image ships (a -sys crate finds them)
                    if self.keys_ok(entry, name or eco, ("name", "note", "match", "except", "dev"), ("name", "match", "dev")) \
                            and self.claim(f"native_packages {eco}", name, entry.line, known):
                        known[name] = {"name": name, "note": self.text(entry, "note", name),
                                       "match": self.strings(entry, "match", name),
                                       "except": self.strings(entry, "except", name),
                                       "dev": self.strings(entry, "dev", name)}
                    continue
                if eco == "go_prebuilt":  # lint MI460-MI462: what the prebuilt library a Go module links needs
                    self._go_prebuilt(entry, name or eco, known)
                    continue
                keys = ("name", "libs", "note", "dev", "runtime", "apt", "apk", "find") if eco == "system" else \
                    ("name", "note", "packages", "without_tags") if eco == "go_cxx" else ("name", "libs", "note") \
                    if eco == "source" else PACKAGE_KEYS
                if not self.keys_ok(entry, name or eco, keys, ("name",)):
                    continue
                normal = re.sub(r"[-_.]+", "-", name).lower() if eco == "python" else \
                    name.lower() if eco in ("node", "system", "conda", "source") else name
                if name != normal:
                    self.problem(entry.line, name, f"write the package name as '{normal}'")
                if eco == "system" and any(library_stem(so, lib) == name for so, lib in self.kb.libraries.items()
                                           if "runtime" in lib):
                    self.problem(entry.line, name, f"'{name}' is under libraries (releases.yaml), which lint reads: "
                                                   "give it dev_also and runtime there instead")
                    continue
                if self.claim(f"native_packages {eco}", name, entry.line, known):
                    known[name] = {"name": name, "libs": self.strings(entry, "libs", name),
                                   "note": self.text(entry, "note", name), "tls": self.text(entry, "tls", name) or None,
                                   "system_libs": self.flag(entry, "system_libs", name)}
                    if eco not in ("system", "source"):  # lint: MI441 (the system package it needs), MI408 (musl builds published)
                        known[name].update(needs_package=self.text(entry, "needs_package", name) or None,
                                           prebuilt_musl=self.flag(entry, "prebuilt_musl", name),
                                           cxx=self.flag(entry, "cxx", name),  # MI408: a source build needs g++
                                           glibc_prebuild=self.flag(entry, "glibc_prebuild", name),
                                           glibc_only=self.flag(entry, "glibc_only", name),  # MI408: no musl build at all
                                           gcompat=self.flag(entry, "gcompat", name),  # which loads with a glibc shim
                                           pure_go=self.flag(entry, "pure_go", name))  # Go: no cgo (zones, TLS only)
                        # versions, "FROM UNTIL": MI408's that publish musl builds or download a build named without
                        # libc, MI443's whose binding only its install script makes, C++ sources, MI432's V8 addons
                        for key in ("musl_builds", "glibc_download", "install_script", "cxx_versions", "node_abi"):
                            if key in entry:
                                known[name][key] = self._shaped(entry, key, name, r"\d+(\.\d+)* (\d+(\.\d+)*|-)",
                                                                "'FROM UNTIL' (versions; UNTIL - for today)")
                        if "prebuilt_glibc" in entry:  # MI404: versions whose prebuilt binary needs a newer glibc
                            known[name]["prebuilt_glibc"] = self._shaped(entry, "prebuilt_glibc", name,
                                r"\d+(\.\d+)* (\d+(\.\d+)*|-) ([a-z]+\d+(\.\d+)?|-) 2\.\d+( [a-z0-9]+)?",
                                "'FROM UNTIL RELEASE GLIBC [ARCH]' (UNTIL - for today; RELEASE - when not known; ARCH "
                                "when only that platform's binary needs it)")
                        if "musl_python" in entry:  # MI408: the oldest Python whose newest release of it has them
                            known[name]["musl_python"] = self.text(entry, "musl_python", name)
                            if not re.fullmatch(r"3\.\d+", known[name]["musl_python"]):
                                self.problem(entry.key_lines.get("musl_python", entry.line), name,
                                             "musl_python: write a Python version, 3.X")
                    if eco == "python" and "wheel_libs" in entry:  # MI494: its wheels' NAME.libs, the package dir's name
                        known[name]["wheel_libs"] = self.text(entry, "wheel_libs", name)
                        known[name]["import"] = self.text(entry, "import", name) or None
                    if eco == "python" and "wheel_libs_since" in entry:  # "VERSION PYTHON": first release, Python
                        known[name]["wheel_libs_since"] = self._shaped(entry, "wheel_libs_since", name,
                                                                       r"\d+(\.\d+)* 3\.\d+", "'VERSION 3.X'")
                    if eco == "node" and "required_by" in entry:  # MI408: npm packages that bring it as a dependency
                        known[name]["required_by"] = self._shaped(entry, "required_by", name,
                                                                  r"(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*",
                                                                  "an npm package name, lowercase (@scope/name)")
                    if eco == "python" and "required_by" in entry:  # MI412: packages that install it as a dependency;
                        # with one of required_unless installed, the `choosing` requirers (all, without) bring another
                        for key in ("required_by", "required_unless", "choosing"):
                            if key in entry:
                                known[name][key] = self._shaped(entry, key, name, r"[a-z0-9]+(-[a-z0-9]+)*",
                                                                "a package name as PEP 503 writes it")
                    if eco in ("python", "node", "conda") and "loads" in entry:  # MI470: system libraries it loads
                        known[name]["loads"] = self._loads(entry, name)
                        for key in ("skip_env", "images_with", "deps_run", "downloads_by"):  # see native-packages.yaml
                            if key in entry:
                                known[name][key] = self.strings(entry, key, name)
                        if "opened_by" in entry:  # the program it runs that opens them (puppeteer's Chromium)
                            known[name]["opened_by"] = self.text(entry, "opened_by", name)
                        if "loads_unless" in entry:  # packages (or name[extra]) that bring a bundled copy instead
                            known[name]["loads_unless"] = self._shaped(entry, "loads_unless", name,
                                                                       r"[a-z0-9]+(-[a-z0-9]+)*(\[[a-z0-9-]+\])?",
                                                                       "a package name as PEP 503 writes it, or name[extra]")
                    if eco in ("python", "node", "conda") and "error" in entry:  # what its import or require() says
                        known[name]["error"] = self.text(entry, "error", name)  # without the library (MI470, MI408)
                    if eco == "rust" and "static_with" in entry:  # crate/feature: builds the C library in
                        known[name]["static_with"] = self._shaped(entry, "static_with", name,
                                                                  r"[A-Za-z0-9_-]+/[A-Za-z0-9_.+-]+", "crate/feature")
                    if eco == "rust" and "linked_through" in entry:  # "DEPENDENTS: crate/feature ...": when only
                        # those crates of Cargo.lock reach it, it links only with one of those features on
                        known[name]["linked_through"] = self._shaped(
                            entry, "linked_through", name, r"[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*:( [A-Za-z0-9_-]+/"
                            r"[A-Za-z0-9_.+-]+)+", "'DEPENDENT [DEPENDENT...]: crate/feature [crate/feature...]'")
                    if eco == "rust":  # when its build script links the system's copy rather than its own
                        for key in ("found_with", "static_env"):  # -dev packages it finds; variables for static
                            if key in entry:
                                known[name][key] = self.strings(entry, key, name)
                        if "roots" in entry:  # MI411: where its TLS takes CA roots from (embedded or the system's)
                            known[name]["roots"] = self.text(entry, "roots", name)
                            if known[name]["roots"] not in ("embedded", "system"):
                                self.problem(entry.key_lines.get("roots", entry.line), name,
                                             "roots: write embedded or system")
                        if "system_env" in entry:  # "VARIABLE LIBRARY": set, it links that system library
                            known[name]["system_env"] = self._shaped(entry, "system_env", name,
                                                                     r"[A-Z][A-Z0-9_]* lib[a-z0-9+_.-]+( [A-Z][A-Z0-9_]*)?",
                                                                     "'VARIABLE LIBRARY [STATIC-VARIABLE]'")
                    if eco == "go" and "zones" in entry:  # MI418: how it loads a named zone (before `until`)
                        known[name]["zones"] = self.text(entry, "zones", name)
                    if eco != "system" and "until" in entry:  # the first version whose defaults differ
                        until = self.text(entry, "until", name)
                        if not re.fullmatch(r"\d+(\.\d+)*", until or ""):
                            self.problem(entry.key_lines.get("until", entry.line), name,
                                         f"until: '{until}' is not a version (digits and dots)")
                        else:
                            known[name]["until"] = until
                    if eco == "go_cxx":  # the import paths that bring the C++ (none: the module's), tags that drop it
                        known[name].update(packages=self.strings(entry, "packages", name),
                                           without_tags=self.strings(entry, "without_tags", name))
                    if eco == "system":  # a shared library: the packages that build against it and that ship it
                        known[name].update(dev=self.strings(entry, "dev", name),
                                           runtime=self.strings(entry, "runtime", name))
                        if "find" in entry:  # names a build file asks for it by (find_package, pkg-config)
                            known[name]["find"] = self.strings(entry, "find", name)
                        for key in ("apt", "apk"):  # the run-time package to install: {release: name} for apt
                            value = entry.get(key)
                            if key == "apt" and key in entry and not isinstance(value, str):
                                if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
                                    known[name][key] = {str(k): v for k, v in value.items()}
                                else:
                                    self.problem(entry.key_lines.get(key, entry.line), name,
                                                 "'apt' must be a package name or a mapping from release to name")
                            elif key in entry:
                                known[name][key] = self.text(entry, key, name)


    def _go_prebuilt(self, entry: Located, name: str, known: dict) -> None:
        """{name, versions: ["FROM UNTIL"], glibc | musl_tag | shared, without_tags, note}: a Go module (its path as
        go.mod requires it) whose versions in `versions` link a prebuilt library with that need."""
        keys = ("name", "note", "versions", "glibc", "musl_tag", "shared", "without_tags")
        if not self.keys_ok(entry, name, keys, ("name", "versions", "note")) \
                or not self.claim("native_packages go_prebuilt", name, entry.line, known):
            return
        out = {"name": name, "note": self.text(entry, "note", name),
               "versions": self._shaped(entry, "versions", name, r"\d+(\.\d+)* (\d+(\.\d+)*|-)",
                                        "'FROM UNTIL' (versions; UNTIL - for today)"),
               "without_tags": self.strings(entry, "without_tags", name)}
        for key in ("glibc", "musl_tag", "shared"):
            out[key] = self.text(entry, key, name) or None
        if sum(out[k] is not None for k in ("glibc", "musl_tag", "shared")) != 1:
            self.problem(entry.line, name, "give exactly one of glibc (a floor), musl_tag or shared (a library)")
        elif out["glibc"] and not re.fullmatch(r"2\.\d+", out["glibc"]):
            self.problem(entry.key_lines.get("glibc", entry.line), name, "glibc: write a glibc version, 2.N")
        known[name] = out

    def _shaped(self, entry: Located, key: str, name: str, pattern: str, shape: str) -> list[str]:
        """The strings of entry[key], each reported (at the key's line) unless it matches `pattern` whole."""
        values = self.strings(entry, key, name)
        for value in values:
            if not re.fullmatch(pattern, value):
                self.problem(entry.key_lines.get(key, entry.line), name, f"{key}: '{value}' is not {shape}")
        return values

    def _loads(self, entry, name: str) -> list:
        """`loads`: "SONAME DEBIAN-PACKAGE ALPINE-PACKAGE [more packages that bring it]" per system library the
        package opens at import time without bundling it; as (soname, apt, apk, (globs...))."""
        out = []
        for text in self.strings(entry, "loads", name):
            words = text.split()
            if len(words) < 3 or ".so" not in words[0]:
                self.problem(entry.key_lines.get("loads", entry.line), name,
                             f"loads: '{text}' is not 'SONAME DEBIAN-PACKAGE ALPINE-PACKAGE [PACKAGE...]'")
                continue
            out.append((words[0], words[1], words[2], tuple(words[3:])))
        return out

def library_stem(soname: str, entry: dict) -> str:
    """The name lint knows a `libraries` entry by: its group's `name` is the package-ish name the questions use
    (zlib, libssl for libcrypto too); lint names a library by its first soname's stem (libz, libssl)."""
    base = soname.lower().replace("_", "-").split(".so", 1)[0]
    return base[:-3] if base.endswith("t64") else base


def lint_libraries(libraries: dict) -> dict[str, dict]:
    """native_packages `system:` entries made from the `libraries` entries that carry lint's fields (`runtime`):
    one per library group (`name`, else the soname's stem), named by the stem of its first soname; dev: the apt
    and apk -dev packages and `dev_also`; runtime: the `runtime` globs."""
    out: dict[str, dict] = {}
    by_group: dict[str, str] = {}
    for soname, info in libraries.items():
        if "runtime" not in info:
            continue
        group = str(info.get("name") or library_stem(soname, info))
        stem = by_group.setdefault(group, library_stem(soname, info))
        entry = out.setdefault(stem, {"name": stem, "libs": (), "note": "", "tls": None, "system_libs": False,
                                      "dev": (), "runtime": ()})
        dev = info.get("dev") if isinstance(info.get("dev"), dict) else {}
        names = [str(dev[k]) for k in ("apt", "apk") if isinstance(dev.get(k), str)] + list(info.get("dev_also", ()))
        entry["libs"] = (*entry["libs"], soname)
        for key, more in (("dev", names), ("runtime", info["runtime"]), ("find", info.get("find", ()))):
            entry[key] = tuple(dict.fromkeys((*entry.get(key, ()), *more)))
        for key in ("apt", "apk", "wolfi", "sonames"):  # the package to install (apt: per release); sonames: per release
            if key in info and key not in entry:
                entry[key] = info[key]
    return out
