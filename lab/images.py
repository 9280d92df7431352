"""Faithful images under their real names, built from Debian packages and imported into a Docker engine.

No registry is reachable here, so every image a generated Dockerfile names must be made locally. Each recipe below
builds a root filesystem from the same Debian packages the upstream image uses (trixie for the Debian 13 and current
tags), then ``docker import``s it under the upstream reference with the upstream image config (ENTRYPOINT, CMD, USER,
ENV, WORKDIR). Each recipe cites the upstream recipe it follows and lists how the result differs from the real image.

An image is labelled ``org.minimage.recipe=<slug>-r<version>``; a local image with that label is reused, so images are
built once per engine data root (see lab/engine.py). Root filesystems are cached in ``<lab cache>/images/``.

Images that cannot be made faithfully from reachable packages are listed in ``NOT_PROVABLE`` with the reason
(lab/unprovable.py).

Usage: ``python -m lab.images [--list] [ref ...]`` (default: every recipe).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lab import cache_dir
from lab import recipes_interp as RI
from lab import recipes_compiled as RC
from lab import recipes_java as RJ
from lab import roots as R
from lab.engine import Engine, EngineError
from lab.unprovable import NOT_PROVABLE, why_not  # noqa: F401 - also this module's interface
from lab.imageparts import (DEFAULT_PATH, PY_PKGS, ImageBuildError, apt_install, busybox_glibc, copy_with_closure,
                            debootstrap, debug_of, distroless, distroless_debug, golang_after, node_after, purge_python,
                            python3_distroless, python_slim_after, rust_after)

LABEL = "org.minimage.recipe"


@dataclass(frozen=True)
class Recipe:
    slug: str
    refs: tuple[str, ...]  # the real references it is tagged with (first = canonical)
    build: Callable[[Path, dict], None]  # fills the rootfs, records package versions
    config: dict  # Env (dict), Cmd, Entrypoint, User, WorkingDir
    recipe: str  # the upstream recipe followed
    differences: tuple[str, ...]
    base: str | None = None  # slug of the recipe whose rootfs this one starts from
    version: int = 1

    @property
    def tag(self) -> str:
        return f"{self.slug}-r{self.version}"


# ---------------------------------------------------------------- rootfs builders

def _on_cc(then: Callable[[Path, dict], None]) -> Callable[[Path, dict], None]:
    """Build on a copy of the distroless cc-debian13 rootfs (language images use //cc as their base)."""
    def build(root: Path, versions: dict) -> None:
        cc = rootfs_of(RECIPES["distroless-cc-debian13"])
        subprocess.run(["cp", "-a", f"{cc}/.", str(root)], check=True)
        then(root, versions)
    return build


def _nodejs_distroless(root: Path, versions: dict) -> None:
    src = rootfs_of(RECIPES["node-22-trixie-slim"])
    added = copy_with_closure(src, "/usr/bin/node", root, "/nodejs/bin/node")
    # Debian's libnode loads some builtins (acorn, cjs-module-lexer, undici, ...) from /usr/share/nodejs at start:
    # copy every file its strings name, as those packages install them
    strings = subprocess.run(["strings", str(src / f"usr/lib/{R.MULTIARCH}/libnode.so.115")], capture_output=True,
                             text=True, check=True).stdout
    for rel in sorted(set(re.findall(r"/usr/share/nodejs/[^\s\"']+\.js", strings))):
        if (src / rel.lstrip("/")).exists():
            (root / rel.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2((src / rel.lstrip("/")).resolve(), root / rel.lstrip("/"))
            added.append(rel)
    versions.update(manifest(RECIPES["node-22-trixie-slim"]).get("package_versions", {}))
    versions["libraries added"] = ",".join(added)


# ---------------------------------------------------------------- the catalogue of recipes

DISTROLESS_ENV = {"PATH": DEFAULT_PATH, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
DISTROLESS_DIFFS = (
    "package versions are today's trixie candidates from the Debian archive, not distroless's snapshot lock file",
    "no dpkg status.d metadata (/var/lib/dpkg/status.d) and no /etc/ld.so.cache",
    "CA bundle concatenated from Debian's ca-certificates, as distroless's cacerts rule does",
)
DISTROLESS_SRC = ("GoogleContainerTools/distroless static/config.bzl, static/static.bzl, common/BUILD.bazel "
                  "(debian13: base-files, netbase, tzdata, tzdata-legacy, media-types + CA bundle, passwd/group, "
                  "nsswitch.conf, os-release; env PATH, SSL_CERT_FILE; user 0; workdir /)")
BUILDER_DIFFS = (
    "Debian's toolchain packages from trixie stand in for the upstream build (see the versions recorded)",
    "no network at build time is assumed: dependencies must come from Debian packages",
)

RECIPES: dict[str, Recipe] = {}


def _add(r: Recipe) -> None:
    RECIPES[r.slug] = r


_add(Recipe(
    "distroless-static-debian13", ("gcr.io/distroless/static-debian13",), distroless([]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"}, DISTROLESS_SRC, DISTROLESS_DIFFS))
_add(Recipe(
    "distroless-static-debian13-debug", ("gcr.io/distroless/static-debian13:debug",), distroless_debug,
    {"Env": {"PATH": DEFAULT_PATH + ":/busybox", "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"},
     "Entrypoint": ["/busybox/sh"], "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; static/static.bzl debug variant (busybox in /busybox, PATH += /busybox, "
    "entrypoint [\"/busybox/sh\"]); private/extensions/busybox.bzl",
    DISTROLESS_DIFFS + ("busybox is Debian 13's busybox-static (glibc, statically linked), not the musl busybox "
                        "distroless downloads",)))
_add(Recipe(
    "distroless-base-nossl-debian13", ("gcr.io/distroless/base-nossl-debian13",), distroless(["libc6"]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; base/config.bzl (BASE_NOSSL debian13: libc6)", DISTROLESS_DIFFS))
_add(Recipe(
    "distroless-base-debian13", ("gcr.io/distroless/base-debian13",),
    distroless(["libc6", "libssl3t64", "libzstd1", "zlib1g"]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; base/config.bzl (debian13: libc6, libssl3t64, libzstd1, zlib1g)", DISTROLESS_DIFFS))
_add(Recipe(
    "distroless-cc-debian13", ("gcr.io/distroless/cc-debian13",),
    distroless(["libc6", "libssl3t64", "libzstd1", "zlib1g", "libgomp1", "libstdc++6", "libgcc-s1", "gcc-14-base"]),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; base/config.bzl; cc/config.bzl (debian13: libgomp1, libstdc++6, libgcc-s1, gcc-14-base)",
    DISTROLESS_DIFFS))
DEBUG_ENV = {"PATH": DEFAULT_PATH + ":/busybox", "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
BASE13 = ["libc6", "libssl3t64", "libzstd1", "zlib1g"]
CC13 = BASE13 + ["libgomp1", "libstdc++6", "libgcc-s1", "gcc-14-base"]
for _slug, _ref, _pkgs, _cfg in (("distroless-base-debian13-debug", "gcr.io/distroless/base-debian13:debug", BASE13,
                                  "base/config.bzl (debian13: libc6, libssl3t64, libzstd1, zlib1g)"),
                                 ("distroless-cc-debian13-debug", "gcr.io/distroless/cc-debian13:debug", CC13,
                                  "cc/config.bzl (debian13: libgomp1, libstdc++6, libgcc-s1, gcc-14-base)")):
    _add(Recipe(
        _slug, (_ref, _ref.replace(":debug", ":debug-nonroot")), debug_of(_pkgs),
        {"Env": DEBUG_ENV, "Entrypoint": ["/busybox/sh"], "User": "0", "WorkingDir": "/"},
        DISTROLESS_SRC + f"; {_cfg}; debug variant: busybox in /busybox, PATH += /busybox, entrypoint "
        "[\"/busybox/sh\"] (private/extensions/busybox.bzl)",
        DISTROLESS_DIFFS + ("busybox is Debian 13's busybox-static (glibc, statically linked), not the musl busybox "
                            "distroless downloads", "the -nonroot tag is the same image here (USER 0, not 65532)")))
JAVA_BASE13 = ["libc6", "zlib1g", "libjpeg62-turbo", "liblcms2-2", "libfreetype6", "fonts-dejavu-core",
               "fontconfig-config", "libexpat1", "libfontconfig1", "libuuid1", "libbrotli1", "libcrypt1", "libstdc++6",
               "libgcc-s1", "gcc-14-base", "libpng16-16t64", "libbz2-1.0"]
_add(Recipe(
    "distroless-java-base-debian13", ("gcr.io/distroless/java-base-debian13",), distroless(JAVA_BASE13),
    {"Env": DISTROLESS_ENV, "User": "0", "WorkingDir": "/"},
    DISTROLESS_SRC + "; java/java.bzl (java_base on base-nossl) and java/config.bzl (JAVA_BASE_PACKAGES debian13)",
    DISTROLESS_DIFFS))
_add(Recipe(
    "busybox-glibc", ("busybox:glibc", "busybox:latest", "busybox"), busybox_glibc,
    {"Env": {"PATH": DEFAULT_PATH}, "Cmd": ["sh"]},
    "docker-library/busybox latest-1/glibc/Dockerfile.builder (FROM debian:trixie-slim: busybox, getconf, "
    "libnss*/libpthread* + ldd closure flat in /lib, /lib64 -> lib, nsswitch.conf, buildroot passwd/group/shadow, "
    "UTC localtime) and its Dockerfile (FROM scratch, ADD rootfs, CMD [\"sh\"])",
    ("busybox is Debian 13's dynamic busybox 1.37 (Debian's applet config), not busybox 1.38 from defconfig; "
     "libm.so.6 is added by hand because defconfig's awk links it",)))
SUITES = {"trixie": ("13", "1.24"), "bookworm": ("12", "1.19")}
BUILDPACK_PKGS = ["ca-certificates", "curl", "wget", "gnupg", "git", "make", "gcc", "g++", "libc6-dev", "pkgconf",
                  "autoconf", "automake", "libtool", "file", "patch", "xz-utils", "unzip", "libssl-dev", "zlib1g-dev",
                  "libsqlite3-dev", "libffi-dev", "libpq-dev", "tzdata"]
for _suite, (_num, _go) in SUITES.items():
    _add(Recipe(
        f"debian-{_suite}-slim", (f"debian:{_suite}-slim", f"debian:{_num}-slim"), debootstrap(_suite),
        {"Env": {"PATH": DEFAULT_PATH}, "Cmd": ["bash"]},
        "docker-library/official-images library/debian + debuerreotype (debootstrap --variant=minbase "
        f"{_suite}, slimify dpkg path excludes, apt docker-clean config); Dockerfile FROM scratch, ADD rootfs, "
        "CMD [\"bash\"]",
        (f"debootstrap of today's {_suite}, not debuerreotype's dated snapshot; timestamps and machine-id not "
         "normalised",)))
    _add(Recipe(
        f"buildpack-deps-{_suite}", (f"buildpack-deps:{_suite}",),
        apt_install(BUILDPACK_PKGS, record=["gcc", "g++", "libc6-dev", "libssl-dev"]),
        {"Env": {"PATH": DEFAULT_PATH}, "Cmd": ["bash"]},
        f"docker-library/buildpack-deps debian/{_suite}/{{curl,scm,}}/Dockerfile (FROM debian:{_suite}: "
        "ca-certificates curl gnupg wget; git ...; autoconf automake gcc g++ make libc6-dev libssl-dev zlib1g-dev "
        "libsqlite3-dev libpq-dev ...)",
        ("a subset of buildpack-deps' ~80 -dev packages (the compilers, libc6-dev and the common -dev libraries); "
         f"built on debian:{_suite}-slim, not debian:{_suite}",) + BUILDER_DIFFS, base=f"debian-{_suite}-slim"))
    _add(Recipe(
        f"golang-1-{_suite}", (f"golang:1-{_suite}", f"golang:{_suite}"),
        apt_install(["ca-certificates", "git", "gcc", "g++", "libc6-dev", "make", "pkgconf", "golang-go",
                      *RC.GOLANG_PACKAGES], after=lambda r: (golang_after(r), RC.build_go_proxy(r, {})),
                     record=["golang-go", "gcc", "libc6-dev"]),
        {"Env": {"PATH": "/go/bin:/usr/local/go/bin:" + DEFAULT_PATH, "GOPATH": "/go", "GOTOOLCHAIN": "local",
                 "GOPROXY": RC.GOPROXY_URL, "GOSUMDB": "off"},
         "Cmd": ["bash"], "WorkingDir": "/go"},
        f"docker-library/golang 1.2x/{_suite}/Dockerfile (FROM buildpack-deps:{_suite}-scm; g++ gcc libc6-dev make "
        "pkg-config; Go in /usr/local/go; ENV GOTOOLCHAIN=local GOPATH=/go PATH=$GOPATH/bin:/usr/local/go/bin:$PATH; "
        "WORKDIR /go)",
        (f"Go is Debian {_num}'s golang-go ({_go}), not the latest Go 1.x from go.dev; /usr/local/go links to "
         f"/usr/lib/go-{_go}",
         "GOSUMDB=off in the image ENV: no checksum database is reachable (go.sum still pins each module)")
        + RC.GOLANG_DIFFS + BUILDER_DIFFS, base=f"debian-{_suite}-slim", version=2))

for _suite, _rust in (("trixie", "1.85"), ("bookworm", "1.63")):
    _add(Recipe(
        f"rust-1-{_suite}", (f"rust:1-{_suite}", f"rust:{_suite}"),
        apt_install(["rustc", "cargo"], after=rust_after, record=["rustc", "cargo"]),
        {"Env": {"RUSTUP_HOME": "/usr/local/rustup", "CARGO_HOME": "/usr/local/cargo",
                 "PATH": "/usr/local/cargo/bin:" + DEFAULT_PATH, "RUST_VERSION": _rust}, "Cmd": ["bash"]},
        f"rust-lang/docker-rust stable/{_suite}/Dockerfile (FROM buildpack-deps:{_suite}; rustup in "
        "/usr/local/rustup, cargo in /usr/local/cargo; ENV RUSTUP_HOME CARGO_HOME PATH=/usr/local/cargo/bin:$PATH "
        "RUST_VERSION)",
        (f"Rust is Debian's rustc/cargo {_rust}, not the latest stable from rustup; no rustup, no extra targets (musl)",
         "$CARGO_HOME/config.toml replaces crates.io with Debian's packaged crates (/usr/share/cargo/registry, filled "
         "by librust-*-dev) and sets net.offline: no crate registry is reachable") + BUILDER_DIFFS,
        base=f"buildpack-deps-{_suite}"))
_add(Recipe(
    "python-3.13-slim-trixie", ("python:3.13-slim-trixie", "python:3.13-slim"),
    apt_install(["ca-certificates", "netbase", "tzdata", "python3.13", "python3.13-venv", "python3-pip",
                  "libpython3.13-dev"], after=lambda r: (python_slim_after(r), RI.python_slim_extras(r)),
                 record=["python3.13", "python3.13-venv", "python3-pip", "libpython3.13-dev"]),
    {"Env": {"PATH": DEFAULT_PATH, "LANG": "C.UTF-8", "PYTHON_VERSION": "3.13"}, "Cmd": ["python3"]},
    "docker-library/python 3.13/slim-trixie/Dockerfile (FROM debian:trixie-slim; ca-certificates netbase tzdata; "
    "Python built into /usr/local; ENV PATH LANG=C.UTF-8 PYTHON_VERSION; CMD [\"python3\"])",
    ("Python is Debian 13's python3.13 (3.13.5) moved into /usr/local (bin/python3.13, lib/python3.13), not a build "
     "of the latest 3.13.x; its pip and ensurepip wheels are Debian's", "pip is Debian's python3-pip (PEP 668 marks the system Python externally "
     "managed; a virtualenv's pip is unaffected)", "headers are Debian's libpython3.13-dev (its dependencies "
     "libexpat1-dev and zlib1g-dev come along)", "/etc/pip.conf turns the package index off and points pip at a "
     "wheelhouse in the image (lab/recipes_interp.py): no index is reachable here"),
    base="debian-trixie-slim", version=3))
_add(Recipe(
    "distroless-python3-debian13", ("gcr.io/distroless/python3-debian13",), _on_cc(python3_distroless),
    {"Env": {**DISTROLESS_ENV, "LANG": "C.UTF-8"}, "Entrypoint": ["/usr/bin/python3.13"], "User": "0",
     "WorkingDir": "/"},
    "GoogleContainerTools/distroless python3/python.bzl (base //cc; entrypoint /usr/bin/python3.13; /usr/bin/python "
    "and python3 links) and python3/config.bzl (debian13 package list)",
    DISTROLESS_DIFFS + ("no /etc/ld.so.cache (the real image generates one so ctypes.util.find_library works)",
                        "the package list is this recipe's reading of python3/config.bzl: " + ", ".join(PY_PKGS))))
for _suite, _refs, _node in (("trixie", ("node:22-trixie-slim",), "Debian 13's nodejs 20.19 (OpenSSL 3.5)"),
                             ("bookworm", ("node:22-bookworm-slim", "node:22-slim"),
                              "Debian 12's nodejs 18.19 (OpenSSL 3.0)")):
    _add(Recipe(
        f"node-22-{_suite}-slim", _refs,
        apt_install(["nodejs", "npm"], record=["nodejs", "npm"], after=lambda r: (
            node_after(r), RI.node_npm_cache(r), purge_python(r), RI.forget_unmet(r))),
        {"Env": {"PATH": DEFAULT_PATH, "NODE_VERSION": "22"}, "Entrypoint": ["docker-entrypoint.sh"],
         "Cmd": ["node"]},
        f"nodejs/docker-node 22/{_suite}-slim/Dockerfile (FROM debian:{_suite}-slim; user node 1000; node from "
        "nodejs.org in /usr/local/bin; ENTRYPOINT [\"docker-entrypoint.sh\"]; CMD [\"node\"])",
        (f"Node is {_node}, dynamically linked against Debian's libnode, libuv and OpenSSL, standing in for Node 22 "
         "from nodejs.org", "npm is Debian's, not the npm 10 that Node 22 bundles",
         "docker-entrypoint.sh is this lab's equivalent of docker-node's script",
         "python3, which Debian's npm depends on (node-gyp), is purged as the real image has none",
         "the global npmrc sets offline=true and root's npm cache holds the samples' packages (lab/recipes_interp.py)",
         "npm and the packages that needed python3 are dropped from dpkg's database (files kept), so apt works"),
        base=f"debian-{_suite}-slim", version=4))
_add(Recipe(
    "distroless-nodejs22-debian13", ("gcr.io/distroless/nodejs22-debian13",), _on_cc(_nodejs_distroless),
    {"Env": DISTROLESS_ENV, "Entrypoint": ["/nodejs/bin/node"], "User": "0", "WorkingDir": "/"},
    "GoogleContainerTools/distroless nodejs/nodejs.bzl (base //cc; node in /nodejs/bin; entrypoint /nodejs/bin/node; "
    "no npm)",
    DISTROLESS_DIFFS + ("Node is Debian 13's nodejs 20.19 with the libraries it links (libnode, libuv, ICU, brotli, "
                        "c-ares, nghttp2...) and the builtins it loads from /usr/share/nodejs copied in, standing in for the "
                        "statically built Node 22 from nodejs.org",), version=2))

_add(Recipe(
    "maven-3-eclipse-temurin-21", ("maven:3-eclipse-temurin-21",), RJ.maven_build,
    {"Env": {**RJ.TEMURIN_ENV, "MAVEN_HOME": "/usr/share/maven", "MAVEN_CONFIG": "/root/.m2"},
     "Entrypoint": ["/usr/local/bin/mvn-entrypoint.sh"], "Cmd": ["mvn"]},
    RJ.MAVEN_RECIPE, RJ.MAVEN_DIFFS + BUILDER_DIFFS, base="debian-trixie-slim"))
_add(Recipe(
    "maven-3-eclipse-temurin-25", ("maven:3-eclipse-temurin-25",), RJ.maven25_build,
    {"Env": {**RJ.temurin_env(25), "MAVEN_HOME": "/usr/share/maven", "MAVEN_CONFIG": "/root/.m2"},
     "Entrypoint": ["/usr/local/bin/mvn-entrypoint.sh"], "Cmd": ["mvn"]},
    RJ.MAVEN25_RECIPE, RJ.MAVEN25_DIFFS + BUILDER_DIFFS, base="debian-trixie-slim"))
_add(Recipe(
    "eclipse-temurin-21-jre", ("eclipse-temurin:21-jre",), RJ.jre_build,
    {"Env": RJ.TEMURIN_ENV, "Entrypoint": ["/__cacert_entrypoint.sh"]}, RJ.JRE_RECIPE, RJ.JRE_DIFFS,
    base="debian-trixie-slim", version=2))
_add(Recipe(
    "distroless-java21-debian13", ("gcr.io/distroless/java21-debian13",),
    RJ.distroless_java(lambda: rootfs_of(RECIPES["eclipse-temurin-21-jre"])),
    {"Env": {**DISTROLESS_ENV, "LANG": "C.UTF-8", "JAVA_VERSION": "21"}, "Entrypoint": ["/usr/bin/java", "-jar"],
     "User": "0", "WorkingDir": "/"}, RJ.DISTROLESS_RECIPE, DISTROLESS_DIFFS + RJ.DISTROLESS_DIFFS,
    base="distroless-java-base-debian13"))
_add(Recipe(
    "eclipse-temurin-25-jre", ("eclipse-temurin:25-jre",), RJ.jre_build_for(25),
    {"Env": RJ.temurin_env(25), "Entrypoint": ["/__cacert_entrypoint.sh"]}, RJ.for_java25(RJ.JRE_RECIPE),
    tuple(map(RJ.for_java25, RJ.JRE_DIFFS)), base="debian-trixie-slim"))
_add(Recipe(
    "distroless-java25-debian13", ("gcr.io/distroless/java25-debian13",),
    RJ.distroless_java(lambda: rootfs_of(RECIPES["eclipse-temurin-25-jre"]), 25),
    {"Env": {**DISTROLESS_ENV, "LANG": "C.UTF-8", "JAVA_VERSION": "25"}, "Entrypoint": ["/usr/bin/java", "-jar"],
     "User": "0", "WorkingDir": "/"}, RJ.for_java25(RJ.DISTROLESS_RECIPE),
    DISTROLESS_DIFFS + tuple(map(RJ.for_java25, RJ.DISTROLESS_DIFFS)), base="distroless-java-base-debian13"))

def recipe_for(ref: str) -> Recipe | None:
    for r in RECIPES.values():
        if ref in r.refs:
            return r
    return None


# ---------------------------------------------------------------- build and import


def images_dir() -> Path:
    return cache_dir() / "images"


def rootfs_of(recipe: Recipe) -> Path:
    """The cached rootfs of ``recipe``, built if missing (and its base first)."""
    final = images_dir() / recipe.tag
    if (final / "MANIFEST.json").exists():
        return final / "rootfs"
    with R.building(final, recipe.slug) as tmp:
        rootfs = tmp / "rootfs"
        if recipe.base:
            base = rootfs_of(RECIPES[recipe.base])
            subprocess.run(["cp", "-a", str(base), str(rootfs)], check=True)
        else:
            rootfs.mkdir()
            rootfs.chmod(0o755)
        versions: dict[str, str] = {}
        recipe.build(rootfs, versions)
        (tmp / "MANIFEST.json").write_text(json.dumps({
            "slug": recipe.slug, "refs": list(recipe.refs), "recipe": recipe.recipe,
            "differences": list(recipe.differences), "config": recipe.config, "package_versions": versions,
        }, indent=2, sort_keys=True) + "\n")
    return final / "rootfs"


def manifest(recipe: Recipe) -> dict:
    p = images_dir() / recipe.tag / "MANIFEST.json"
    return json.loads(p.read_text()) if p.exists() else {}


def changes(recipe: Recipe) -> list[str]:
    """The ``docker import -c`` changes that give the image its upstream config."""
    c = recipe.config
    out = [f"ENV {k}={v}" for k, v in c.get("Env", {}).items() if v]
    if c.get("Entrypoint"):
        out.append("ENTRYPOINT " + json.dumps(c["Entrypoint"]))
    if c.get("Cmd"):
        out.append("CMD " + json.dumps(c["Cmd"]))
    if c.get("User"):
        out.append(f"USER {c['User']}")
    if c.get("WorkingDir"):
        out.append(f"WORKDIR {c['WorkingDir']}")
    out.append(f"LABEL {LABEL}={recipe.tag}")
    return out


def ensure(engine: Engine, ref: str) -> Recipe:
    """Make the faithful image ``ref`` exist in ``engine`` (built once, then reused)."""
    recipe = recipe_for(ref)
    if recipe is None:
        raise ImageBuildError(f"{ref}: {why_not(ref)}")
    labels = engine.image_labels(recipe.refs[0])
    if labels is None or labels.get(LABEL) != recipe.tag:
        if os.geteuid() != 0:
            raise ImageBuildError(f"building {ref} needs root (dpkg-deb ownerships, debootstrap, chroot)")
        try:
            engine.import_rootfs(rootfs_of(recipe), recipe.refs[0], changes(recipe))
        except (R.RootBuildError, subprocess.SubprocessError, OSError) as e:
            raise ImageBuildError(f"{ref}: {type(e).__name__}: {e}") from None
    for alias in recipe.refs[1:]:
        if (engine.image_labels(alias) or {}).get(LABEL) != recipe.tag:
            engine.check(["tag", recipe.refs[0], alias])
    return recipe


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--list" in args:
        for r in RECIPES.values():
            print(f"{r.refs[0]:40} {r.tag}")
        for ref, why in NOT_PROVABLE.items():
            print(f"{ref:40} not proven here: {why}")
        return 0
    refs = [a for a in args if not a.startswith("-")] or [r.refs[0] for r in RECIPES.values()]
    from lab.engine import EngineUnavailable
    try:
        engine = Engine.acquire()
    except EngineUnavailable as e:
        print(f"no engine: {e}", file=sys.stderr)
        return 69
    rc = 0
    with engine:
        for ref in refs:
            try:
                ensure(engine, ref)
                print(f"ok    {ref}")
            except (ImageBuildError, EngineError) as e:
                rc = 1
                print(f"FAIL  {ref}: {e}")
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
