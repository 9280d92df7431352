"""What a RUN line builds: C/C++ (gcc, clang), Go (go build/install) and Rust (cargo build/install) programs, with
where each lands and how it links (static, or against glibc or musl), as :class:`BuiltFile` records.

A BuiltFile is a file a Dockerfile stage produces; the planner's `Artefact` is something else (what a final image
must run, per strategy), hence the two names.
"""
from __future__ import annotations

import posixpath
import re

from ..lazyre import lazy
from ..records import Data, record
from .shellvars import LOST
from .shellwords import abspath, expand, expand_known

# `StageInfo` in annotations is kb.lint.stages.StageInfo, which imports this module: named,
# never imported (annotations are not evaluated here)

_QUOTE = lazy(r"[\x27\"]")
_INPUTS = (".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".o", ".a")
_CXX_SOURCES = (".cc", ".cpp", ".cxx", ".c++", ".C")


@record
class BuiltFile(Data):
    """A program a stage builds, at the path it has in some stage (COPY and cp move it: :meth:`at`)."""

    path: str  # absolute; a final "*" when the name is not known (go build ., cargo build)
    lang: str  # c | cpp | go | rust
    linkage: str  # static | glibc | musl
    stage: int
    line: int
    builder: str  # the builder stage's base image as written
    builder_release: str | None
    builder_glibc: str | None
    needs: frozenset = frozenset()  # libstdc++.so.6, libgcc_s.so.1
    why: str = ""  # why it links this way, in words
    go_cgo: str | None = None  # CGO_ENABLED as set explicitly ("0"/"1"), None when unset
    go_cgo_off: str = ""  # why cgo is off, when it is: CGO_ENABLED=0, or no C compiler on Go 1.20 or later (MI410)
    go_implicit: bool = False  # the linkage rests on CGO_ENABLED's default (gcc, the Go version and imports decide)
    go_cgo_packages: tuple[str, ...] = ()  # cgo-only modules seen in go.mod / imports
    go_target: str = ""  # the package `go build` names (".", "./cmd/app"), "" for other languages
    go_cgo_reached: tuple[str, ...] | None = None  # the imports of go_cgo_packages the target reaches (goreach.py)
    go_dir: str | None = None  # the build-context directory the go build ran in, if any (goclients.py)
    go_tags: tuple[str, ...] = ()  # the -tags of a go build
    go_own_c: bool | None = None  # C of its own (import "C", a cgo module): False when go.mod and the source show none
    cxx: str = ""  # why a program no C++ compiler command built links C++ (kb/lint/cxxlink.py: a Go module's C++)
    cxx_unseen: str = ""  # what may bring C++ into it that lint cannot confirm (go.mod lists such a module: MI491)
    static_glibc: bool = False  # linked statically against the stage's glibc (gcc -static; cgo with an external
    # static link): its NSS lookups still dlopen that glibc's libnss_* modules (MI492, kb/lint/staticnss.py)
    c_sources: tuple[str, ...] = ()  # the C/C++ sources such a gcc -static line names, absolute in its stage (MI492)
    glibc_pin: str = ""  # the glibc a cross linker builds against instead of the builder's: cargo zigbuild's
    # --target x86_64-unknown-linux-gnu.2.17 pins 2.17 (MI404 compares it, kb/lint/gofloor.py glibc_needed)

    def at(self, path: str) -> "BuiltFile":
        return self._replace(path=path)


def _origin(info: "StageInfo") -> dict:
    p = info.profile
    return {"stage": info.index, "builder": info.image, "builder_release": p.release,
            "builder_glibc": p.glibc}


def dynamic_libc(info: "StageInfo", prog: str = "") -> str | None:
    """The libc a dynamic link in this stage uses (musl-gcc: musl), or None when the stage has neither."""
    if prog.startswith("musl-"):
        return "musl"
    libc = info.profile.libc
    return libc if libc in ("glibc", "musl") else None


def _extld_static(ldflags: str) -> bool:
    """Does `-extldflags` pass -static (`-extldflags '-static'`, `-extldflags=-static ...`)? Like the regex
    -extldflags[= ]+['"]?[^'"]*-static, but linear: the text is cut at quotes once and each piece searched once."""
    pieces = _QUOTE.split(ldflags)
    for i, piece in enumerate(pieces):
        at = piece.find("-extldflags")
        while at >= 0:
            j = at + len("-extldflags")
            rest = piece[j:].lstrip("= ")
            if len(rest) < len(piece) - j:  # at least one '=' or ' ' follows
                run = rest if rest else (pieces[i + 1] if i + 1 < len(pieces) else "")
                if any(w in ("-static", "-static-pie") for w in run.replace("=", " ").split()):
                    return True
                break  # a later -extldflags in this piece sees a part of the same run
            at = piece.find("-extldflags", j)
    return False


def _link_external(ldflags: str) -> bool:
    """Does -ldflags ask cmd/link for external linking (`-linkmode external`, `-linkmode=external`)?"""
    words = _QUOTE.sub(" ", ldflags).replace("=", " ").split()
    return any(w.lstrip("-") == "linkmode" and nxt == "external" for w, nxt in zip(words, words[1:]))


def cc_build(info: "StageInfo", argv: list[str], prog: str, cwd: str, env: dict, line: int) -> BuiltFile | None:
    """What `gcc|clang ... -o OUT` builds: a C or C++ program, static or linked against the stage's libc."""
    args = argv[1:]
    if any(a in ("-c", "-E", "-S", "-M", "-MM", "--version", "-v", "-dumpversion", "-shared") for a in args):
        return None
    out = "a.out"
    for i, a in enumerate(args):
        if a == "-o" and i + 1 < len(args):
            out = args[i + 1]
        elif a.startswith("-o") and len(a) > 2:
            out = a[2:]
    sources = [a for a in args if not a.startswith("-") and a.endswith(_INPUTS)]
    if not sources and out == "a.out":
        return None
    cpp = "++" in prog or any(s.endswith(_CXX_SOURCES) for s in sources)
    static = any(a in ("-static", "-static-pie", "--static") for a in args) or "-static" in env.get("LDFLAGS", "")
    lang = "cpp" if cpp else "c"
    libc = dynamic_libc(info, prog)
    if static:
        linkage, why = "static", f"{prog} -static"
    elif libc is None:
        return None
    else:
        linkage, why = libc, f"{prog} without -static in {info.image}"
    needs = set()
    if cpp and linkage != "static":
        if "-static-libstdc++" not in args:
            needs.add("libstdc++.so.6")
        if "-static-libgcc" not in args:
            needs.add("libgcc_s.so.1")
    return BuiltFile(path=abspath(expand(out, env, "*"), cwd), lang=lang, linkage=linkage, line=line,
                     needs=frozenset(needs), why=why, static_glibc=static and libc == "glibc",
                     c_sources=tuple(abspath(expand(s, env, "*"), cwd) for s in sources if not s.endswith((".o", ".a")))
                     if static and libc == "glibc" else (), **_origin(info))

def _package_arg(word: str, cwd: str, env: dict) -> str:
    """A package argument of go build as the walks place it: its known variables expanded (`"${PWD}/cmd/app"`, PWD
    being the shell's working directory), and a directory under the working directory made relative ("./cmd/app")."""
    word = expand_known(word, env)
    if word.startswith("/") and "$" not in word:
        rel = posixpath.relpath(posixpath.normpath(word), cwd or "/")
        if not rel.startswith(".."):
            return "." if rel == "." else "./" + rel
    return word


def go_build(info: "StageInfo", argv: list[str], cwd: str, env: dict, line: int,
             imports: tuple) -> BuiltFile:
    """What `go build|install` builds, and how it links: `imports` is what the copied source shows (does it use
    cgo or a package that needs it: True/False/None for unknown; the cgo-only modules go.mod requires; the
    module's tree; whether C of its own comes in: kb/lint/gosources.py go_sources)."""
    args = argv[2:]
    out = None
    ldflags = tags = buildmode = ""
    pkgs = []
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, val = a.partition("=")
        if name in ("-o", "-ldflags", "-tags", "-buildmode", "-gcflags", "-asmflags", "-mod", "-p", "-pkgdir",
                    "-installsuffix", "-modfile", "-overlay", "-pgo", "-C", "--ldflags", "--tags", "--o"):
            if not eq:
                i += 1
                val = args[i] if i < len(args) else ""
            key = name.lstrip("-")
            if key == "o":
                out = val
            elif key == "ldflags":
                ldflags += " " + expand(val, env, "")  # -ldflags="$LDFLAGS": an ENV or ARG of the stage
            elif key == "tags":
                tags += "," + val
            elif key == "buildmode":
                buildmode = val
        elif not a.startswith("-"):
            pkgs.append(_package_arg(a, cwd, env))
        i += 1
    if argv[1] == "install":
        gobin = env.get("GOBIN") or posixpath.join(env.get("GOPATH") or "/go", "bin")
        path = posixpath.join(gobin, "*")
    elif out:  # a directory when it says so, or when several packages are built (go help build: -o)
        o = expand(out, env, "*")
        into_dir = o.endswith("/") or o in (".", "..") or len(pkgs) > 1 or any(p.endswith("...") for p in pkgs)
        path = abspath(o, cwd) + ("/*" if into_dir else "")
    elif pkgs and pkgs[0].endswith(".go"):
        path = abspath(posixpath.basename(pkgs[0])[:-3], cwd)
    elif pkgs and pkgs[0] not in (".", "./...") and not pkgs[0].endswith("..."):
        path = abspath(posixpath.basename(pkgs[0].rstrip("/")), cwd)
    else:
        path = abspath("*", cwd)
    explicit = env.get("CGO_ENABLED")
    explicit = explicit if explicit in ("0", "1") else None
    compiler = info.profile.has_compiler or bool(env.get("CC"))
    # before Go 1.20 cgo defaulted on for native builds even without a C compiler: net and os/user came
    # precompiled against the C library in GOROOT/pkg (go.dev/doc/go1.20)
    old_go = info.profile.go_version is not None and info.profile.go_version < (1, 20)
    cgo_on = explicit == "1" or (explicit is None and (compiler or old_go))
    tagset = {t.strip() for t in re.split(r"[,\s]+", tags) if t.strip()}
    uses, cgo_pkgs = imports[0], imports[1]
    libc = dynamic_libc(info)
    static_flags = _extld_static(ldflags)
    # -extldflags reaches the C linker only when cmd/link links externally: asked for with -linkmode external, or
    # forced by cgo code outside the standard library (a cgo module); with only net, os/user and runtime/cgo using
    # cgo it links internally, ignores -extldflags and leaves the program dynamic against the libc (checked with Go
    # 1.19: "dynamically linked" without -linkmode external, "statically linked" with it). Read so on musl, where
    # the program then needs the musl loader (MI409); on glibc the floor of such a program is not simply the
    # builder's glibc (what MI404 compares), so there the flag is still taken at its word
    external = _link_external(ldflags)
    # `#cgo LDFLAGS: -static` in a file of the program's own that imports "C": its C makes cmd/link link externally,
    # and the flag makes that link static (brave/star-randsrv's main.go, into scratch)
    own_static = imports[4] if len(imports) > 4 and cgo_on and compiler else ""
    if own_static:
        static_flags = external = True
    ignored = static_flags and not external and not cgo_pkgs and libc == "musl"
    # static whatever the imports, not the default's doing: external linking asked for, or on glibc forced by a cgo
    # module (MI492's static glibc link; on musl a module go.mod lists is not taken for one the build reaches)
    forced = static_flags and (external or bool(cgo_pkgs) and libc == "glibc") and compiler
    if ignored:
        static_flags = False
    if buildmode == "pie" and libc and not static_flags:
        linkage, why = libc, "-buildmode=pie links the loader in"
    elif not cgo_on:
        linkage = "static"
        why = "CGO_ENABLED=0" if explicit == "0" else \
            f"cgo is off by default: {info.image} has no C compiler" if info.profile.known else \
            f"cgo is off by default if {info.image}, an image lint does not know, has no C compiler"
    elif own_static:
        linkage, why = "static", f"#cgo LDFLAGS: -static ({own_static}): its own C links it externally and statically"
    elif static_flags:
        linkage, why = "static", "-linkmode external -extldflags -static" if external else "-extldflags -static"
    elif libc is None:  # cgo on in an image whose C library lint does not know (nor whether it has one)
        linkage = "static"
        why = (f"{'CGO_ENABLED=1' if explicit == '1' else 'a C compiler is installed'}; which C library "
               f"{info.image} has, lint does not know")
    elif {"netgo", "osusergo"} <= tagset and not cgo_pkgs:
        linkage, why = "static", "-tags netgo,osusergo"
    elif explicit is None and uses is False:
        linkage = "static"
        why = "no imported package uses cgo"
    else:
        if explicit == "1":
            why = "CGO_ENABLED=1"
        else:
            has = "has a C compiler" if compiler else \
                f"has Go {'.'.join(map(str, info.profile.go_version or ()))} (before 1.20 cgo is on without gcc)"
            unset = f"CGO_ENABLED is not set in go build's environment ({env[LOST]}: a shell variable, not " \
                "exported)" if env.get(LOST) else "CGO_ENABLED is not set"
            why = (f"{unset} and {info.image} {has}, so cgo is on"
                   + (" and the program imports net, os/user or C" if uses else
                      "; with cgo on, net and os/user link the C library"))
        if ignored:
            why += ("; -extldflags '-static' does not apply: without -linkmode external, cmd/link links internally "
                    "when only the standard library uses cgo")
        linkage = libc
    off = "" if cgo_on or explicit != "0" and not info.profile.known else \
        "CGO_ENABLED=0" if explicit == "0" else f"cgo is off ({info.image} has no C compiler)"
    return BuiltFile(path=path, lang="go", linkage=linkage, line=line, why=why, go_cgo=explicit, go_cgo_off=off,
                             go_implicit=explicit is None and not forced, go_cgo_packages=tuple(cgo_pkgs),
                             go_target=pkgs[0] if pkgs else ".", go_tags=tuple(sorted(tagset)),
                             go_own_c=imports[3],
                             static_glibc=cgo_on and forced and libc == "glibc" and linkage == "static",
                             **_origin(info))


#: commands read as `go`: vgo, the 2018 prototype of Go modules (github.com/golang/vgo), takes go's subcommands and
#: flags (`vgo build -o app .`)
GO_COMMANDS = ("go", "vgo")
#: GOARCH values of Linux container platforms, as cross-build names spell them (gox's default output template is
#: "{{.Dir}}_{{.OS}}_{{.Arch}}", github.com/mitchellh/gox; release Makefiles write NAME-$(GOOS)-$(GOARCH);
#: release workflows NAME-$TARGETARCH)
GO_ARCHES = {"amd64", "arm64", "386", "arm", "armv6", "armv7", "ppc64le", "s390x", "riscv64", "mips64le"}
#: cargo subcommands that build like `cargo build`: cargo-zigbuild (github.com/rust-cross/cargo-zigbuild) links with
#: zig cc, and against the glibc version a gnu --target's suffix names
CARGO_BUILDS = ("build", "install", "zigbuild")


#: cargo's own options, before its subcommand (`cargo +1.80 --locked --config K=V build`): those that take a value
_CARGO_GLOBAL_VALUE = {"--config", "-Z", "-C", "--color", "--explain"}


def cargo_argv(argv: list[str]) -> list[str]:
    """`cargo [+toolchain] [global options] SUBCOMMAND ARGS` as `cargo SUBCOMMAND ARGS`, so that what the
    subcommand builds is read the same whatever precedes it; `--config build.target=T` becomes `--target T`."""
    rest = argv[1:]
    extra: list[str] = []
    while rest and rest[0].startswith(("-", "+")):
        a = rest.pop(0)
        name, eq, val = a.partition("=")
        if name in _CARGO_GLOBAL_VALUE and not eq and rest:
            val = rest.pop(0)
        if name == "--config":
            key, _, target = val.partition("=")
            if key.strip() == "build.target":
                extra += ["--target", target.strip().strip("\"'")]
    return [argv[0], *rest[:1], *extra, *rest[1:]]


def _profile_dir(profile: str) -> str:
    """The directory under target/ that `cargo build --profile NAME` writes to: dev (and test) to debug, release
    (and bench) to release, a custom profile to its own name (target/production for [profile.production];
    doc.rust-lang.org/cargo/reference/profiles.html#custom-profiles)."""
    return {"dev": "debug", "test": "debug", "release": "release", "bench": "release"}.get(profile, profile)


def _zig_target(target: str | None) -> tuple[str | None, str]:
    """(the triple, the glibc version) of cargo zigbuild's `--target TRIPLE.X.Y`; its output goes to
    target/TRIPLE/, without the suffix (cargo itself is given the plain triple)."""
    triple, _, version = (target or "").partition(".")
    major, dot, minor = version.partition(".")
    return (triple, version) if major.isdecimal() and dot and minor.isdecimal() else (target, "")


def cargo_build(info: "StageInfo", argv: list[str], cwd: str, env: dict, line: int) -> BuiltFile:
    """What `cargo build|install|zigbuild` builds: musl targets link statically unless told otherwise; a zigbuild
    for a gnu target links zig's glibc stubs, of the version its --target suffix names (`.2.17`), not the
    builder's glibc; without --target it is a plain cargo build (cargo-zigbuild's README)."""
    args = argv[2:]
    target = env.get("CARGO_BUILD_TARGET")
    release = "--release" in args or "-r" in args
    root = profile = None
    for i, a in enumerate(args):
        if a == "--target" and i + 1 < len(args):
            target = args[i + 1]
        elif a.startswith("--target="):
            target = a.split("=", 1)[1]
        elif a == "--root" and i + 1 < len(args):
            root = args[i + 1]
        elif a == "--profile" and i + 1 < len(args):
            profile = args[i + 1]
        elif a.startswith("--profile="):
            profile = a.split("=", 1)[1]
    zig, pin = argv[1] == "zigbuild" and bool(target), ""
    if zig:
        written = target
        target, pin = _zig_target(target)
    prof = info.profile
    host = prof.rust_target or ("musl" if prof.libc == "musl" else "gnu")
    kind = "musl" if (target and "musl" in target) else ("gnu" if target else host)
    if target and any(c in target for c in "$`*") and "musl" not in target and "gnu" not in target:
        # --target "$(cat /tmp/rust_target)": chosen as it builds ($ARCH-unknown-linux-musl still says its libc)
        return BuiltFile(path=_cargo_output(argv, cwd, env, "*", release, root, profile), lang="rust",
                         linkage="unknown", line=line, why=f"--target {target}, which lint cannot read",
                         **_origin(info))
    flags = env.get("RUSTFLAGS", "") + " " + env.get("CARGO_ENCODED_RUSTFLAGS", "")
    # rustup's musl targets link statically by default; Alpine's own rust package (x86_64-alpine-linux-musl)
    # does not: its programs need the musl loader and libgcc_s (rust-lang/rust#40113, kpcyrd/mini-docker-rust#4)
    distro_musl = kind == "musl" and not target and prof.rust_target is None
    if "+crt-static" in flags:
        static = True
    elif "-crt-static" in flags:
        static = False
    else:
        static = kind == "musl" and not distro_musl
    if static:
        linkage, why, needs = "static", ("musl target (static by default)" if kind == "musl"
                                         else "-C target-feature=+crt-static"), frozenset()
    else:
        linkage = "glibc" if kind == "gnu" else "musl"
        why = "the gnu target links glibc dynamically" if kind == "gnu" else \
            ("Alpine's rust package links musl dynamically" if distro_musl and "-crt-static" not in flags
             else "-crt-static on musl")
        needs = frozenset({"libgcc_s.so.1"})
    origin = _origin(info)
    if zig and linkage == "glibc":  # zig's glibc, not the builder's: the version its suffix pins, else not known
        why = f"cargo zigbuild --target {written} links glibc {pin} dynamically" if pin else \
            f"cargo zigbuild --target {written} links glibc dynamically, at zig's default version"
        origin["builder_glibc"] = None if not pin else origin["builder_glibc"]
    path = _cargo_output(argv, cwd, env, target, release, root, profile)
    return BuiltFile(path=path, lang="rust", linkage=linkage, line=line, needs=needs, why=why,
                     glibc_pin=pin if linkage == "glibc" else "", **origin)


def cargo_dir(argv: list[str], cwd: str, env: dict) -> str:
    """The directory cargo builds in: that of `--manifest-path DIR/Cargo.toml` when given (its target/, or its
    workspace root's, holds the programs: workspace_outputs), else `cwd`."""
    for i, a in enumerate(argv):
        path = argv[i + 1] if a == "--manifest-path" and i + 1 < len(argv) else \
            a.partition("=")[2] if a.startswith("--manifest-path=") else None
        if path and "$" not in path:
            return posixpath.dirname(abspath(expand(path, env, "*"), cwd)) or "/"
    return cwd


def _cargo_output(argv: list[str], cwd: str, env: dict, target: str | None, release: bool, root: str | None,
                  profile: str | None) -> str:
    """Where cargo install (ROOT/bin) or cargo build (target/[TRIPLE/]PROFILE) puts its programs."""
    if argv[1] == "install":
        return posixpath.join(abspath(expand(root, env, "*"), cwd) if root else env.get("CARGO_HOME") or
                              "/usr/local/cargo", "bin", "*")
    tdir = abspath(env.get("CARGO_TARGET_DIR") or "target", cwd)
    return posixpath.join(tdir, *([target] if target else []), _profile_dir(expand(profile, env, "*")) if profile else
                          "release" if release else "debug", "*")


def workspace_outputs(built: BuiltFile, argv: list[str], cwd: str, env: dict) -> list[BuiltFile]:
    """Where else `cargo build` run in `cwd` may have put `built`: a workspace member's directory writes to the
    workspace root's target/ (all members share one output directory, doc.rust-lang.org/cargo/reference/
    workspaces.html), so each ancestor of `cwd` but / is a possible root: <ancestor>/target/... . `cargo install`
    without CARGO_HOME or --root (a rustup the Dockerfile installed, not the rust image's /usr/local/cargo): rustup's
    default, $HOME/.cargo/bin."""
    if argv[1] == "install":
        home = posixpath.join(env.get("HOME") or "/root", ".cargo", "bin", "*")
        return [built.at(home)] if not env.get("CARGO_HOME") and "--root" not in argv else []
    if argv[1] not in ("build", "zigbuild") or env.get("CARGO_TARGET_DIR") or \
            any(a.startswith("--target-dir") for a in argv):
        return []
    rel = posixpath.relpath(built.path, cwd)
    if rel.startswith(".."):
        return []
    out, up = [], posixpath.dirname(cwd.rstrip("/"))
    while up not in ("/", ""):
        out.append(built.at(posixpath.join(up, rel)))
        up = posixpath.dirname(up)
    return out


def image_programs(info: "StageInfo") -> list[BuiltFile]:
    """The programs a stage's base image ships (the node of the node images), each linked dynamically against the
    image's libc: a COPY of one into an image of the other libc is judged like a program built there. Their glibc
    baseline is not the image's (Node.js release builds target an older glibc), so no glibc version is claimed."""
    p = info.profile
    if p.libc not in ("glibc", "musl"):
        return []
    return [BuiltFile(path=path, lang="image", linkage=p.libc, stage=info.index, line=info.stage.line,
                      builder=info.image, builder_release=None, builder_glibc=None,
                      needs=frozenset({"libstdc++.so.6", "libgcc_s.so.1"}),
                      why=f"{info.image} ships it built for {p.libc}") for path in p.programs]
