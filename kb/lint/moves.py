"""What a RUN's cp, install, mv and ln do to the programs a stage built: each lands where the command puts it, as
COPY --from later finds it (kb/lint/stages.py walks the RUN, kb/lint/landing.py says where a path lands), and the
libraries an `ldd PROG | ... | xargs cp` pipeline gathers into a directory."""
from __future__ import annotations

import posixpath

from .landing import into_directory, matches
from .shellwords import BIN_DIRS, abspath, expand, positional

# `StageInfo` in annotations is kb.lint.stages.StageInfo, which imports this module: named, never imported

#: directories every Linux image has (the FHS's, which base-files and alpine-baselayout create): `mv app /root` puts
#: the program at /root/app, as into a bin directory
_FHS_DIRS = frozenset({"/", "/root", "/tmp", "/opt", "/srv", "/home", "/mnt", "/usr", "/usr/local", "/usr/lib",
                       "/usr/local/lib", "/usr/share", "/var", "/var/lib", "/etc"})
#: options of cp, install, mv and ln that take a value (the next word is not a path)
_TAKES_VALUE = {"-m", "--mode", "-o", "-g", "--owner", "--group", "-t", "--target-directory", "-S", "--suffix"}


def move(info: "StageInfo", argv: list[str], prog: str, cwd: str, env: dict) -> None:
    """`cp|install|mv|ln -s SRC... DEST`: each built program SRC names is (also) at its landing place. DEST is a
    directory when written as one (DIR/, DIR/., .), given by -t, a bin directory, or after several sources: the
    program lands there under its own name (`cp /src/app /out/.` puts /src/app at /out/app). A directory that holds
    one, copied recursively or moved, takes it along (`cp -r /src/target/release /release`: /release/app). So does a
    directory of installed packages (`cp -r node_modules/ /app/` after npm ci: a COPY --from of /app brings them,
    kb/lint/pkgflow.py)."""
    if prog == "ln" and "-s" not in " ".join(argv[1:3]):
        return
    rest = positional(argv[1:], takes_value=_TAKES_VALUE)
    target_dir = None
    for i, a in enumerate(argv[1:]):
        if a in ("-t", "--target-directory") and i + 2 < len(argv):
            target_dir = argv[i + 2]
    if target_dir is None and len(rest) < 2:
        return
    srcs, dest_raw = (rest, target_dir) if target_dir else (rest[:-1], rest[-1])
    dest_raw = expand(dest_raw, env, "x")
    dest = abspath(dest_raw, cwd)
    dest_is_dir = bool(target_dir) or into_directory(dest_raw) or len(srcs) > 1 or dest in BIN_DIRS or dest in _FHS_DIRS
    whole = prog == "mv" or prog == "cp" and any(_recursive(a) for a in argv[1:])
    for s in srcs:
        src = abspath(expand(s, env, "*"), cwd)
        if whole and "*" not in src:
            installed = [(d, tool, info.index) for _line, tool, dirs in info.pkg_installs for d in dirs]
            for d, tool, origin in [*installed, *info.pkg_copied]:
                if d == src.rstrip("/") or d.startswith(src.rstrip("/") + "/"):
                    inside = posixpath.relpath(d, src.rstrip("/"))
                    base = posixpath.join(dest, posixpath.basename(src.rstrip("/"))) if dest_is_dir else dest
                    info.pkg_copied.append((posixpath.normpath(posixpath.join(base, inside)), tool, origin))
        for art in list(info.files.values()):
            if matches(art.path, src):
                target = posixpath.join(dest, posixpath.basename(src if "*" not in src else art.path)) \
                    if dest_is_dir else dest
                info.files[target] = art.at(target)
            elif whole and "*" not in src and art.path.startswith(src.rstrip("/") + "/"):
                # a directory holding it (`cp -r target/release /release`): DEST is the directory's new name,
                # or, when DEST is an existing directory, where it goes under its own name; lint cannot tell
                inside = art.path[len(src.rstrip("/")) + 1:]
                named = posixpath.join(dest, posixpath.basename(src.rstrip("/")), inside)
                for target in (named,) if dest_is_dir else (posixpath.join(dest, inside), named):
                    info.files[target] = art.at(target)


def picked(a, info: "StageInfo", argv: list[str], prog: str, cwd: str, env: dict) -> None:
    """`cp|mv SRC DEST`, in a stage that has built nothing, of a file it copied from the build context whose name is a
    program of the context's Cargo project (prebuilt.program_of: NAME, NAME-ARCH ...): that program, built outside
    the Dockerfile, is now at DEST, and a later move or COPY --from follows it as any built program (lldap's
    Dockerfile.ci: `COPY bin/ bin/`, `mv bin/amd64-bin/lldap target/lldap`, `cp target/lldap /lldap/`, then
    `COPY --from=lldap /lldap /app`)."""
    if prog not in ("cp", "mv") or not a.context_dir or not info.context_dirs or info.compiles:
        return  # a stage that builds moves what it built (move), not what it copied
    from .hidden import context_path
    from .prebuilt import program_of

    rest = positional(argv[1:], takes_value=_TAKES_VALUE)
    if len(rest) != 2 or "*" in rest[0] or "$" in posixpath.basename(rest[0]):
        return  # a variable above the file (`artifact/${TARGETARCH}-${TARGET_ENV}/nghe`) still names the program
    src = abspath(rest[0], cwd)
    if any(matches(art.path, src) for art in info.files.values()) or context_path(info.context_dirs, src) is None:
        return
    from .cargobuilt import cargo_programs

    programs = cargo_programs(a)
    program = program_of(posixpath.basename(src), set(programs), rust=True) if programs else None
    if program is not None:
        from .builds import BuiltFile
        from .prebuilt import CONTEXT

        info.files[src] = BuiltFile(path=src, lang="rust", linkage="unknown", stage=info.index, line=0,
                                    builder=CONTEXT, builder_release=None, builder_glibc=None,
                                    why=f"taken to be built from the context's Cargo project: {programs[program]} "
                                        f"names the program {program}")


def _recursive(arg: str) -> bool:
    """Is it cp's -r, -R, -a (in a cluster of short options too) or --recursive, --archive?"""
    return arg in ("--recursive", "--archive") or arg[:1] == "-" and arg[1:2] != "-" and any(c in arg[1:] for c in "rRa")


def _selects(argv: list[str]) -> bool:
    """Is `argv` a grep that keeps some of ldd's lines by name (`grep opt/ffmpeg`), not all the paths (`grep ^/`,
    `grep =>`) nor the ones it drops (`grep -v`)?"""
    if not argv or posixpath.basename(argv[0]) not in ("grep", "egrep"):
        return False
    words = [x for x in argv[1:] if not x.startswith("-")]
    return not any(x.startswith("-") and "v" in x for x in argv[1:]) and bool(words) and \
        any(ch.isalnum() for ch in words[0])


def ldd_bundle(info: "StageInfo", commands: list[list[str]], cwd: str) -> None:
    """`ldd PROG | ... | xargs -I % install -D % /dist/%` (or cp --parents ... DIR): DIR now holds the
    program's shared libraries and loader, and a COPY of DIR brings them along."""
    if any(_selects(c) for c in commands):
        return  # `ldd PROG | grep opt/ffmpeg | ...`: only the libraries under one directory, not the system's ones
    for argv in commands if any(posixpath.basename(c[0]) == "ldd" for c in commands if c) else ():
        prog = posixpath.basename(argv[0])
        if prog == "xargs":
            tools = [i for i, a in enumerate(argv) if posixpath.basename(a) in ("install", "cp")]
            if not tools:
                continue
            argv = argv[tools[0]:]
            prog = posixpath.basename(argv[0])
        if prog in ("cp", "install") and len(argv) > 2:
            dest = argv[-1].split("%", 1)[0].split("{}", 1)[0]
            if dest and dest not in ("/", "."):
                info.lib_bundles.add(abspath(dest.rstrip("/") or "/", cwd))
