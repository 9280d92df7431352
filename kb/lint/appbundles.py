"""Programs that carry their runtime: what `dotnet publish`, `deno compile` and `bun build --compile` write in a
build stage, and the MI420-MI423 checks of where they land.

Each command gives a :class:`~kb.lint.builds.BuiltFile` whose `lang` names the kind of output (dotnet-framework,
dotnet-self-contained, dotnet-aot, deno, bun) and whose `linkage` is "bundle-glibc" or "bundle-musl": the libc
its native part loads, in a value of its own so that the C/Go/Rust checks of kb/lint/checks.py leave it alone.
`needs` holds the libraries beyond libc (libstdc++, libgcc_s, ICU) and `why` what decided the kind and libc.

For dotnet, the properties on the command line win over those of the project files in the build context (*.csproj,
*.fsproj, Directory.Build.props: PublishAot, SelfContained, InvariantGlobalization, RuntimeIdentifier). Without a
context, or with no project file in it, what the command line does not say is unknown: `needs` then holds
"?project", and MI421 does not call output framework-dependent on a runtime-deps image, the image made for
self-contained and AOT apps. The output directory must be given (-o, --output, --outfile) or follow from the entry
file (deno, bun).
"""
from __future__ import annotations

import os
import posixpath
import re

from ..detectors import detector
from ..model import LintRule
from .builds import BuiltFile
from .results import Hit
from .shellwords import abspath, expand

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .profiles import Profile
# `StageInfo` and `Analysis` in annotations are kb.lint.stages' classes, which import this module: named, never
# imported (annotations are not evaluated here)

_TRUE = ("true", "1")
_SCRIPT_EXT = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts", ".cjs", ".cts")
# .NET's native dependencies beyond libc (learn.microsoft.com/dotnet/core/install/linux-ubuntu#dependencies);
# native AOT needs no libstdc++ since .NET 8 (dotnet/runtime#76705)
_DOTNET_NEEDS = {"dotnet-framework": ("libstdc++", "libgcc_s"), "dotnet-self-contained": ("libstdc++", "libgcc_s"),
                 "dotnet-aot": ()}
_KINDS = {"dotnet-framework": "framework-dependent .NET output", "dotnet-self-contained": "self-contained .NET app",
          "dotnet-aot": ".NET native AOT executable", "deno": "deno compile executable",
          "bun": "bun build --compile executable"}


def _option(argv: list[str], *names: str) -> str | None:
    """The value of the last `--name value`, `--name=value` or `-n value` among `names` (None if absent)."""
    found = None
    for i, a in enumerate(argv):
        for n in names:
            if a == n and i + 1 < len(argv):
                found = argv[i + 1]
            elif a.startswith(n + "=") or (n.startswith("-p") and a.startswith(n + ":")):
                found = a[len(n) + 1:]
    return found


def _msbuild(argv: list[str]) -> dict[str, str]:
    """MSBuild properties from -p:Name=value, /p:Name=value, --property:Name=value (names lower-cased)."""
    props = {}
    for i, a in enumerate(argv):
        for prefix in ("-p:", "/p:", "--property:", "-property:", "/property:"):
            if a.lower().startswith(prefix):
                for part in a[len(prefix):].split(";"):
                    k, eq, v = part.partition("=")
                    if eq:
                        props[k.strip().lower()] = v.strip().lower()
        if a == "-p" and i + 1 < len(argv):
            k, eq, v = argv[i + 1].partition("=")
            if eq:
                props[k.strip().lower()] = v.strip().lower()
    return props


# the value is stripped afterwards: `\s*([^<]*?)\s*</` retried the blanks from every position (quadratic)
_PROPERTY = re.compile(r"<(PublishAot|SelfContained|InvariantGlobalization|RuntimeIdentifier)>([^<]*)</\1>",
                       re.IGNORECASE)
_PROJECT_FILES = (".csproj", ".fsproj", ".vbproj", "directory.build.props")
_SKIP_DIRS = {"bin", "obj", ".git", "node_modules"}
MAX_PROJECT_FILES = 400  # directory entries looked at in the context, as kb/lint/context.py bounds its scans


def project_properties(a: "Analysis") -> dict[str, str] | None:
    """The .NET publish properties the build context's project files set (lower-cased names and values), or None
    when there is no context or no project file in it. Read once per context, inside it only and bounded."""
    root = a.context_dir
    if not root:
        return None
    key = ("dotnet-properties", os.path.realpath(root))
    if key in a.context_cache:
        return a.context_cache[key]
    from ..evidence.errors import read_project_file

    found, seen, props = False, 0, {}
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d.lower() not in _SKIP_DIRS and not os.path.islink(os.path.join(top, d)))
        if os.path.relpath(top, root).count(os.sep) >= 3:
            dirs[:] = []
        seen += len(files) + len(dirs)
        for name in sorted(files):
            if name.lower().endswith(_PROJECT_FILES):
                text = read_project_file(root, os.path.relpath(os.path.join(top, name), root))
                if text is not None:
                    found = True
                    for m in _PROPERTY.finditer(text):
                        props.setdefault(m.group(1).lower(), m.group(2).strip().lower())
        if seen > MAX_PROJECT_FILES:
            break
    a.context_cache[key] = props if found else None
    return a.context_cache[key]


def _stage_libc(info: "StageInfo") -> str:
    return "musl" if info.profile.libc == "musl" else "glibc"


def _built(info: "StageInfo", path: str, lang: str, libc: str, line: int, why: str, needs=()) -> BuiltFile:
    p = info.profile
    return BuiltFile(path=path, lang=lang, linkage=f"bundle-{libc}", stage=info.index, line=line,
                     builder=info.image, builder_release=p.release, builder_glibc=p.glibc,
                     needs=frozenset(needs), why=why)


def dotnet_publish(a: "Analysis", info: "StageInfo", argv: list[str], cwd: str, env: dict,
                   line: int) -> BuiltFile | None:
    out = _option(argv, "-o", "--output")
    if out is None:
        return None
    project, cli = project_properties(a), _msbuild(argv)
    props = {**(project or {}), **cli}
    rid = (_option(argv, "-r", "--runtime") or props.get("runtimeidentifier") or "").lower()
    sc_flag = (_option(argv, "--self-contained") or "").lower()
    if "--no-self-contained" in argv or sc_flag in ("false", "0"):
        self_contained, sc_how = False, ""
    elif "--sc" in argv or "--self-contained" in argv or sc_flag in _TRUE or cli.get("selfcontained") in _TRUE:
        self_contained, sc_how = True, "--self-contained"
    else:
        self_contained, sc_how = props.get("selfcontained") in _TRUE, "SelfContained in the project file"
    if props.get("publishaot") in _TRUE:
        lang = "dotnet-aot"
        how = "PublishAot=true" if cli.get("publishaot") in _TRUE else "PublishAot in the project file"
    elif self_contained:
        lang, how = "dotnet-self-contained", sc_how
    else:
        lang, how = "dotnet-framework", "framework-dependent, the default of dotnet publish"
    libc = "musl" if "musl" in rid else "glibc" if rid.startswith("linux") else _stage_libc(info)
    where = f"-r {rid}" if rid else f"no -r, so the SDK's own ({info.image}, {libc})"
    needs = list(_DOTNET_NEEDS[lang])
    if props.get("invariantglobalization") not in _TRUE and env.get("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT",
                                                                     "").lower() not in _TRUE:
        needs.append("libicu")
    if project is None:
        needs.append("?project")  # a project file might set what the command line leaves out
    path = posixpath.join(abspath(expand(out, env, "x"), cwd), "*")
    return _built(info, path, lang, libc, line, f"{how}; {where}", needs)


def deno_compile(info: "StageInfo", argv: list[str], cwd: str, env: dict, line: int) -> BuiltFile | None:
    target = _option(argv, "--target") or ""
    if target and "linux" not in target:
        return None  # a Windows or macOS executable is not run by a Linux image
    out = _option(argv, "-o", "--output")
    if out is None:
        scripts = [a for a in argv[2:] if a.endswith(_SCRIPT_EXT) and not a.startswith("-")]
        out = posixpath.splitext(posixpath.basename(scripts[0]))[0] if scripts else "*"
    path = abspath(expand(out, env, "x"), cwd)
    # denort is built for the gnu targets only (x86_64/aarch64-unknown-linux-gnu): glibc and libgcc_s, whatever
    # the stage's libc
    return _built(info, path, "deno", "glibc", line, "Deno's runtime (denort) is a glibc build",
                  ("libgcc_s",))


def bun_compile(info: "StageInfo", argv: list[str], cwd: str, env: dict, line: int) -> BuiltFile | None:
    if "--compile" not in argv:
        return None
    target = (_option(argv, "--target") or "").lower()
    if target.startswith("bun-") and "linux" not in target:
        return None
    out = _option(argv, "--outfile")
    if out is None:
        scripts = [a for a in argv[2:] if a.endswith(_SCRIPT_EXT) and not a.startswith("-")]
        out = posixpath.splitext(posixpath.basename(scripts[0]))[0] if scripts else "*"
    if "musl" in target:
        libc, why = "musl", f"--target={target}"
    elif target.startswith("bun-linux"):
        libc, why = "glibc", f"--target={target}"
    else:
        libc = _stage_libc(info)
        why = f"no --target, so the bun binary of the build stage ({info.image}, {libc})"
    return _built(info, abspath(expand(out, env, "x"), cwd), "bun", libc, line, why)


def bundle_build(a: "Analysis", info: "StageInfo", argv: list[str], cwd: str, env: dict,
                 line: int) -> BuiltFile | None:
    """The BuiltFile a `dotnet publish`, `deno compile` or `bun build --compile` command writes, or None."""
    prog, sub = posixpath.basename(argv[0]), argv[1] if len(argv) > 1 else ""
    if prog == "dotnet" and sub == "publish":
        return dotnet_publish(a, info, argv, cwd, env, line)
    if prog == "deno" and sub == "compile":
        return deno_compile(info, argv, cwd, env, line)
    if prog == "bun" and sub == "build":
        return bun_compile(info, argv, cwd, env, line)
    return None


# -- the checks ---------------------------------------------------------------------------------------------------

def _arrivals(a: "Analysis"):
    """The bundles copied into the final stage, with the COPY line (once per path and line)."""
    seen = set()
    for art, line, _src in a.final.arrivals:
        if art.linkage.startswith("bundle-") and art.stage != a.final.index and (art.path, line) not in seen:
            seen.add((art.path, line))
            yield art, line


def _has_libc(prof: "Profile", libc: str) -> bool:
    if libc == "glibc":
        return prof.libc == "glibc" or "loader-glibc" in prof.provided or \
            bool(prof.installed & {"gcompat", "libc6-compat"})
    return prof.libc == "musl" or "loader-musl" in prof.provided


def _has(prof: "Profile", lib: str) -> bool:
    """Does the final image have `lib` (libstdc++, libgcc_s, libicu), itself or by an install or a COPY?"""
    installed = {name.lower() for name in prof.installed}
    if lib == "libicu":
        return "libicuuc" in (prof.libs or ()) or any(n.startswith(("libicu", "icu-libs", "icu")) for n in installed)
    if lib == "libstdc++":
        return prof.libstdcxx is not False or "libstdcxx" in prof.provided or "libs-bundle" in prof.provided or \
            bool(installed & {"libstdc++", "libstdc++6"})
    return prof.libgcc_s is not False or "libgcc_s" in prof.provided or "libs-bundle" in prof.provided or \
        bool(installed & {"libgcc", "libgcc-s1", "libgcc1"})


def _values(a: "Analysis", art: BuiltFile, **more) -> dict:
    where = f"in {art.path[:-1]}" if art.path.endswith("/*") else art.path  # a publish directory: its name unknown
    return {"what": f"the {_KINDS[art.lang]} {where}", "why": art.why, "libc": art.linkage[len("bundle-"):],
            "image": a.final.image, **more}


@detector("lint", "bundled-runtime-without-its-libc")
def check_bundle_libc(a: "Analysis", rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    for art, line in _arrivals(a):
        libc = art.linkage[len("bundle-"):]
        if art.lang != "dotnet-framework" and not _has_libc(prof, libc):
            has = "no C library and no loader" if prof.libc == "none" else f"{prof.libc}, not {libc}"
            yield Hit(line, _values(a, art, has=has), "musl" if libc == "musl" else art.lang.split("-")[0])


def _dotnet_runtime(a: "Analysis") -> bool:
    """Is the final image a .NET runtime (or aspnet, or SDK) image, or did a RUN install one?"""
    ref = a.final.image.lower()
    image = a.kb.image(ref)
    if image is not None and image.runtime and image.runtime.startswith(("dotnet", "aspnet")):
        return True
    if any(f"dotnet/{kind}:" in ref or ref.endswith(f"dotnet/{kind}") for kind in ("runtime", "aspnet", "sdk")):
        return True
    if any(f"chainguard/{kind}" in ref for kind in ("dotnet-runtime", "aspnet-runtime", "dotnet-sdk")):
        return True
    return any(n.lower().startswith(("dotnet", "aspnetcore")) for n in a.final.profile.installed)


@detector("lint", "framework-dependent-dotnet-without-runtime")
def check_framework_dependent(a: "Analysis", rule: LintRule):
    if not a.final.profile.known or _dotnet_runtime(a):
        return
    runtime_deps = "dotnet/runtime-deps" in a.final.image.lower()
    for art, line in _arrivals(a):
        if art.lang == "dotnet-framework" and not ("?project" in art.needs and runtime_deps):
            yield Hit(line, _values(a, art))


@detector("lint", "bundled-runtime-missing-libraries")
def check_bundle_libraries(a: "Analysis", rule: LintRule):
    prof = a.final.profile
    if not prof.known:
        return
    for art, line in _arrivals(a):
        libc = art.linkage[len("bundle-"):]
        if art.lang == "dotnet-framework" or not _has_libc(prof, libc) or prof.libc != libc:
            continue  # MI420 and MI421 speak for these
        missing = [lib for lib in ("libstdc++", "libgcc_s") if lib in art.needs and not _has(prof, lib)]
        if missing:
            yield Hit(line, _values(a, art, missing=" and ".join(missing)), art.lang.split("-")[0])


def _invariant_by_image(a: "Analysis") -> bool:
    """The chiseled (without -extra) and Alpine .NET images set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT themselves."""
    ref = a.final.image.lower()
    return "mcr.microsoft.com/dotnet/" in ref and ("alpine" in ref or ("chiseled" in ref and "extra" not in ref))


@detector("lint", "dotnet-without-icu")
def check_dotnet_icu(a: "Analysis", rule: LintRule):
    prof = a.final.profile
    if not prof.known or _invariant_by_image(a) or \
            a.final.env.get("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "").lower() in _TRUE:
        return
    for art, line in _arrivals(a):
        if art.lang.startswith("dotnet") and "libicu" in art.needs and _has_libc(prof, art.linkage[7:]) \
                and not _has(prof, "libicu") and (art.lang != "dotnet-framework" or _dotnet_runtime(a)):
            yield Hit(line, _values(a, art))
