"""Shared libraries the final image's loader cannot find although they are in it: installed by a build stage into a
directory that loader does not search and copied in as they are (MI496), or copied by their link-time name only,
without the file named by the soname a program asks for (MI497).

Where each loader looks, checked by running it (a program linked against a libfoo.so.1 whose soname is
libfoo.so.1, run with chroot in an otherwise empty root holding only the loader and libc): musl's loader
(/lib/ld-musl-x86_64.so.1) finds it in /lib, /usr/local/lib and /usr/lib and nowhere else. In /usr/lib64 the program
stops with "Error loading shared library libfoo.so.1: No such file or directory" and "Error relocating ...: foo:
symbol not found" (exit 127), and runs once /etc/ld-musl-x86_64.path lists /usr/lib64 or LD_LIBRARY_PATH names it.
Debian's glibc loader, without /etc/ld.so.cache, finds it in /lib, /usr/lib and /usr/lib/x86_64-linux-gnu, not in
/usr/lib64, /lib64, /usr/local/lib64 or /opt/x/lib ("error while loading shared libraries: libfoo.so.1: cannot open
shared object file", exit 127); a directory of its own runs once /etc/ld.so.conf.d lists it and ldconfig writes the
cache, not with ldconfig alone. RHEL, Fedora, Amazon Linux, Oracle Linux and SUSE build glibc with /lib64 and
/usr/lib64 as its trusted directories. /usr/local/lib of a glibc image is MI495's (kb/lint/ldcache.py).
tests/lab/test_lab_loaderpath.py runs these cases (as root, isolated like a container).

MI496: a library install read like MI495 reads it (make/ninja/meson install, cmake --install, cmake --build --target
install, b2 install; library-named sources or shared builds; a `configure` build is left alone, since libtool gives
the package's own programs an rpath to its libdir), with its DESTDIR, prefix and libdir. CMake's GNUInstallDirs
chose lib64 on 64-bit Linux other than Debian, Arch (since CMake 3.16) and Alpine (since the fix for CMake issue
22318, 2021), so a cmake build without CMAKE_INSTALL_LIBDIR counts as installing into PREFIX/lib64 only when the
stage itself shows that directory (-LPREFIX/lib64, LD_LIBRARY_PATH or PKG_CONFIG_PATH naming it); otherwise
PREFIX/lib. The directory is followed through COPY --from (of it, a parent such as a DESTDIR tree, or files in it),
also across intermediate stages, to where it lands in the final image. Quiet when the final image's loader searches
it, when an rpath is given in the installing stage, when the final image sets LD_LIBRARY_PATH, and when a RUN of the
final image names the directory or the loader's configuration (ld-musl-*.path, ld.so.conf).

MI497: a COPY --from into the final image whose source is lib<name>.so (or a glob matching it and not
lib<name>.so.0) of a library the source stage installed, with nothing else bringing the versioned names: a library
built with a versioned soname (libtool always gives one; cmake when the project sets VERSION or SOVERSION, as
libraries meant to be installed do; a Makefile passing -Wl,-soname) is asked for by that soname, not by the
link-time name. One built without (cmake with neither property) has the link-time name as its soname, and the copy
is enough: hence a warning, not an error. The same for lib<name>.so copied out of a distribution's library
directory of a stage that installed -dev packages: there it is always the -dev package's link to the runtime
package's versioned file (js-drive: zeromq-dev's /usr/lib/libzmq.so, "Error loading shared library libzmq.so.5").
BuildKit follows a symlink named as a COPY source (dockerfile2llb's CopyInfo sets FollowSymlinks), so the copy is a
file called lib<name>.so and the soname is still missing; checked by running a musl program against a root holding
only libfoo.so: it stops as above.

Linear in the Dockerfile's size: one pass over each stage's instructions and their simple commands; a stage keeps
at most MAX_DIRS library directories.
"""
from __future__ import annotations

import fnmatch
import posixpath

from ..detectors import detector
from ..model import LintRule
from .ldcache import GENERIC, _Pending, _install_step, _library_dir, _lineage, source_name
from .results import Hit
from .shellwords import abspath, expand, is_assignment, simple_commands, unquote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

MUSL_DIRS = ("/lib", "/usr/local/lib", "/usr/lib")
GLIBC_DIRS = ("/lib", "/usr/lib")
RPM_DIRS = ("/lib64", "/usr/lib64")
_RPM = ("rhel", "fedora", "ol", "amzn", "sle")  # releases.yaml's names of the lib64 distributions
_PATH_VARS = ("LD_LIBRARY_PATH", "LIBRARY_PATH", "PKG_CONFIG_PATH")
MAX_DIRS = 64
_ERRORS = {"musl": "Error loading shared library libX.so.N: No such file or directory",
           "glibc": "error while loading shared libraries: libX.so.N: cannot open shared object file"}


class Install:
    """One library install: its line, the library's name, where it is in the installing stage and why there."""

    __slots__ = ("line", "name", "path", "why", "rpath", "seq", "origin", "configured", "staged")

    def __init__(self, line: int, name: str, path: str, why: str, rpath: bool):
        self.line, self.name, self.path, self.why, self.rpath = line, name, path, why, rpath
        self.seq, self.origin, self.configured, self.staged = 0, None, False, False


def _project(where: str) -> str | None:
    """The name of the project built in `where`: a component named like a library, else the last non-generic one."""
    lib = _library_dir(where)
    if lib is not None:
        return lib
    name = source_name(where)
    return None if name.lower() in GENERIC or name == "/" else name


def _dirs_of(value: str, var: str) -> list[str]:
    out = []
    for d in unquote(value).split(":"):
        d = posixpath.normpath(d) if d.startswith("/") else ""
        if var == "PKG_CONFIG_PATH" and d.endswith("/pkgconfig"):
            d = d[:-len("/pkgconfig")]
        if d:
            out.append(d)
    return out


class _Stage:
    """What one stage lineage's RUNs install, read in two passes: the directories its commands link or load from
    (-L, LD_LIBRARY_PATH, LIBRARY_PATH, PKG_CONFIG_PATH), then the installs."""

    def __init__(self):
        self.installs: list[Install] = []
        self.hints: set = set()
        self.rpath = False
        self.cmake = False  # a cmake configure step ran before
        self.names: dict[str, tuple] = {}  # source directory -> (project name, named like a library): looked at once
        self.seq = 0  # simple commands walked so far, across the lineage (what comes after what)
        self.origin = None  # (file, FROM line) while walking the Dockerfile that builds the base image
        self.links: list[tuple] = []  # (seq, directory, line, origin, word): later builds told to link from there
        self.unconfirmed: list[tuple] = []  # such CMake hints, which count once an install follows

    def hint(self, argv: list[str]) -> None:
        for a in argv:
            low = a.lower()
            if "rpath" in low and not any(w in low for w in ("rpath-link", "skip", "disable")):  # not SKIP_RPATH
                self.rpath = True
            if a.startswith("-L/"):
                self.hints.add(posixpath.normpath(a[2:]))
            elif is_assignment(a):
                k, _, v = a.partition("=")
                if k in _PATH_VARS:
                    self.hints.update(_dirs_of(v, k))

    def run(self, line: int, commands: list[list[str]], cwd: str, env: dict) -> None:
        pending, local, configured = _Pending(), dict(env), False
        for argv in commands:
            assigns = {}
            while argv and (is_assignment(argv[0]) or argv[0] == "env"):
                if argv[0] != "env":
                    k, _, v = argv[0].partition("=")
                    assigns[k] = unquote(v)
                argv = argv[1:]
            if not argv:
                local.update(assigns)
                continue
            prog = posixpath.basename(argv[0])
            if prog == "export":
                local.update(a.split("=", 1) for a in argv[1:] if is_assignment(a))
                continue
            if prog == "cd" and len(argv) > 1:
                cwd = abspath(expand(argv[1], local, "x"), cwd)
                continue
            if prog == "configure":
                configured = True
            if prog == "cmake" and "--build" not in argv and "--install" not in argv:
                self.cmake = True
            here = {**local, **assigns}
            self.seq += 1
            self._links(argv, assigns, here, line)
            pending.read(argv, here)
            step = _install_step(argv, cwd)
            if step is not None and self.unconfirmed:
                self.links.extend(self.unconfirmed)
                self.unconfirmed = []
            if step is not None and len(self.installs) < MAX_DIRS:
                self._install(step, argv, line, pending, here)
                if configured and self.installs and self.installs[-1].seq == self.seq:
                    self.installs[-1].configured = True  # libtool's rpath serves the package's own programs

    def _links(self, argv: list[str], assigns: dict, env: dict, line: int) -> None:
        from .linkdirs import linked_dirs

        words = [f"{k}={v}" for k, v in assigns.items()] + argv
        for d, kind, word in linked_dirs(words, env)[:MAX_DIRS]:
            if len(self.links) + len(self.unconfirmed) < MAX_DIRS:
                (self.unconfirmed if kind == "cmake" else self.links).append((self.seq, d, line, self.origin, word))

    def _install(self, step: tuple[str, str], argv: list[str], line: int, pending: _Pending, env: dict) -> None:
        kind, where = step
        if pending.shared is False:
            return
        if where not in self.names:  # a RUN may install in one long directory thousands of times
            self.names[where] = (_project(where), _library_dir(where) is not None, "boost" in where.lower())
        name, library, boost = self.names[where]
        name = "Boost" if kind == "b2" and boost else name
        if name is None or kind != "b2" and not library and not pending.shared:
            return  # not known to install a shared library
        destdir = env.get("DESTDIR", "")
        prefix = env.get("PREFIX") or env.get("prefix") or pending.prefix or "/usr/local"
        args = argv[1:]
        for i, a in enumerate(args):
            if a.startswith("DESTDIR="):
                destdir = unquote(a[len("DESTDIR="):])
            elif a.startswith(("PREFIX=", "prefix=")):
                prefix = unquote(a.split("=", 1)[1])
            elif a == "--prefix" and posixpath.basename(argv[0]) == "cmake" and i + 1 < len(args):
                prefix = args[i + 1]
        destdir, prefix = expand(destdir, env, "*"), expand(prefix, env, "*")
        if "*" in destdir or "*" in prefix or not prefix.startswith("/"):
            return  # where it goes is not visible
        prefix, why = posixpath.normpath(prefix), ""
        if pending.libdir:
            libdir = abspath(pending.libdir, prefix)
        elif self.cmake and prefix + "/lib64" in self.hints:
            libdir, why = prefix + "/lib64", (f" (CMake's GNUInstallDirs default; the stage itself links from "
                                              f"{prefix}/lib64)")
        else:
            libdir = prefix + "/lib"
        path = posixpath.normpath(destdir + "/" + libdir) if destdir else libdir
        inst = Install(line, name, path, why, self.rpath)
        inst.seq, inst.origin, inst.staged = self.seq, self.origin, bool(destdir)
        self.installs.append(inst)


def _read(a: "Analysis", index: int) -> _Stage:
    """The library installs of stage `index` and the stages it is built FROM (and, before them, of the Dockerfile of
    the build context that builds the image they start FROM: kb/lint/contextimages.py)."""
    st = _Stage()
    env, cwd = {}, "/"
    runs = []
    for an, info, origin in _chain(a, index):
        for k, v in an.global_args.items():
            env.setdefault(k, v)
        by_line = {r.line: r for r in info.stage.runs}
        for ins in info.stage.instructions[1:]:
            if ins.cmd == "ENV":
                pairs = list(zip(ins.args[0::2], (unquote(v) for v in ins.args[1::2])))
                env.update(pairs)
                st.hint([f"{k}={v}" for k, v in pairs])
            elif ins.cmd == "WORKDIR" and ins.args:
                cwd = abspath(expand(ins.args[0], env, "x"), cwd)
            elif ins.cmd == "RUN" and ins.line in by_line:
                run = by_line[ins.line]
                commands = [list(run.argv)] if run.exec_form else simple_commands(run.command)
                for argv in commands:
                    st.hint(argv)
                runs.append((ins.line, commands, cwd, dict(env), origin))
    for line, commands, cwd, env, origin in runs:
        st.origin = origin
        st.run(line, commands, cwd, env)
    return st


def _chain(a: "Analysis", index: int) -> list[tuple]:
    """(analysis, stage info, origin) along stage `index`'s lineage, after the stages of the Dockerfile of the build
    context that builds the image it starts FROM; origin (that file, the FROM line here) for those, else None."""
    chain = _lineage(a, index)
    if not a.context_dir or chain[0].profile.known:
        return [(a, info, None) for info in chain]
    from .contextimages import lineage

    at = chain[0].stage.line
    return [(an, info, None if an is a else (an.report.path or "the base image's Dockerfile", at))
            for an, info in lineage(a, index)]


def _land(path: str, src: str, dest: str) -> str | None:
    """Where `COPY src dest` puts the library directory `path` (or the libraries in it), or None."""
    src = posixpath.normpath("/" + src.lstrip("/"))
    dest_dir = dest.endswith("/")
    dest = posixpath.normpath(dest)
    if src == path:
        return dest
    if src == "/":
        return posixpath.normpath(posixpath.join(dest, path.lstrip("/")))
    if path.startswith(src + "/"):
        return posixpath.normpath(posixpath.join(dest, path[len(src) + 1:]))
    base = posixpath.basename(src)
    glob = any(ch in base for ch in "*?[")
    if posixpath.dirname(src) == path and (glob or base.startswith("lib") and ".so" in base):
        return dest if dest_dir or glob else posixpath.dirname(dest)
    return None


def _searched(prof, where: str) -> tuple[bool, str]:
    """Does the loader of a final image with profile `prof` search `where`, and its search path as said to users."""
    if prof.libc == "musl":
        return where in MUSL_DIRS, "/lib:/usr/local/lib:/usr/lib, plus /etc/ld-musl-<arch>.path when there is one"
    trusted = GLIBC_DIRS + (RPM_DIRS if (prof.release or "").startswith(_RPM) else ())
    multiarch = where.startswith(("/lib/", "/usr/lib/")) and where.count("/") == where.startswith("/usr/") + 2 \
        and "-linux-gnu" in where
    local = where == "/usr/local/lib" or where.startswith("/usr/local/lib/") and "-linux-gnu" in where
    found = where in trusted or multiarch or local  # /usr/local/lib: in Debian's ld.so.conf, a cache away (MI495)
    return found, f"{':'.join(trusted)} and the directories ldconfig put in /etc/ld.so.cache from /etc/ld.so.conf"


class _Final:
    """What the final image's stages do that tells the loader where to look, and the RUN text that may move files."""

    def __init__(self, a: "Analysis"):
        self.ld_path, self.texts, self.copies = False, [], []
        for _an, info, origin in _chain(a, a.final.index):
            copies = {cf.line: cf for cf in info.stage.copy_from}
            runs = {r.line: r for r in info.stage.runs}
            for ins in info.stage.instructions[1:]:
                if ins.cmd == "ENV":
                    self.ld_path |= "LD_LIBRARY_PATH" in ins.args[0::2]
                elif ins.cmd == "RUN" and ins.line in runs:
                    run = runs[ins.line]
                    self.texts.append(" ".join(run.argv) if run.exec_form else run.command)
                elif ins.cmd == "COPY" and ins.line in copies and origin is None:
                    self.copies.append(copies[ins.line])

    def mentions(self, word: str) -> bool:
        return any(word in t for t in self.texts)


def _arrivals(a: "Analysis") -> dict[int, list[tuple]]:
    """Stage index -> (install, directory it is in now, the COPY that brought it) for the libraries COPY --from
    brought into that stage (or a stage it is built FROM), followed from stage to stage."""
    read: dict[int, _Stage] = {}
    came: dict[int, list[tuple]] = {}
    for info in a.stages:
        base = info.stage.base_stage
        mine = list(came.get(base, ())) if base is not None else []
        for cf in info.stage.copy_from:
            j = cf.stage_index
            if j is None or j >= info.index or not (cf.dest or "").startswith("/"):
                continue
            if j not in read:
                read[j] = _read(a, j)
            for inst, path, _ in [(i, i.path, None) for i in read[j].installs if not i.configured] + came.get(j, []):
                for src in cf.sources:
                    landed = _land(path, src, cf.dest)
                    if landed is not None and len(mine) < MAX_DIRS:
                        mine.append((inst, landed, cf))
        came[info.index] = mine
        if info.index == a.final.index:
            break
    return came


def _stem(name: str) -> str:
    """libcleri -> cleri, libuv-1.48.0 -> uv, htslib -> hts."""
    low = name.lower().split("-", 1)[0].split("_", 1)[0].rstrip("0123456789.")
    if low.startswith("lib"):
        return low[3:]
    return low[:-3] if low.endswith("lib") else low


def _names_link_name(base: str, stem: str) -> bool:
    """Does a COPY source's last component `base` (maybe a glob) name lib<stem>.so? Whether it (or another COPY)
    also names the versioned files is _brings_versioned's question."""
    dev = f"lib{stem}.so"
    return fnmatch.fnmatchcase(dev, base) if any(ch in base for ch in "*?[") else base == dev


def _brings_versioned(final: _Final, src_dir: str, stem: str) -> bool:
    """Does another COPY of the final image bring lib<stem>.so.N, or its whole directory?"""
    for cf in final.copies:
        for s in cf.sources:
            s = posixpath.normpath("/" + s.lstrip("/"))
            if s == "/" or src_dir == s or src_dir.startswith(s + "/"):
                return True
            base = posixpath.basename(s)
            if fnmatch.fnmatchcase(f"lib{stem}.so.0", base) or fnmatch.fnmatchcase(f"lib{stem}.so.1", base):
                return True
    return final.mentions(f"lib{stem}.so.")


@detector("lint", "library-copied-by-link-name")
def check_link_name_only(a: "Analysis", rule: LintRule):
    prof = a.final.profile
    if prof.libc not in ("glibc", "musl", None):
        return
    final = _Final(a)
    read: dict[int, _Stage] = {}
    looked = 0  # candidates checked against every other COPY: at most MAX_DIRS, so the file's size bounds the work
    for cf in final.copies:
        j = cf.stage_index
        if j is None:
            continue
        if j not in read:
            read[j] = _read(a, j)
        for src in cf.sources:
            base = posixpath.basename(src)
            if not base.startswith("lib") or ".so" not in base:
                continue
            for inst in read[j].installs:
                if inst.configured:
                    continue  # libtool's rpath: a configure build is left alone
                stem = _stem(inst.name)
                if not stem or not _names_link_name(base, stem) or looked >= MAX_DIRS:
                    continue
                looked += 1
                src_dir = posixpath.normpath("/" + posixpath.dirname(src).lstrip("/"))
                if not _brings_versioned(final, src_dir, stem):
                    yield Hit(cf.line, {"copy": f"COPY --from={cf.source} {src}", "lib": inst.name,
                                        "dev": f"lib{stem}.so", "line": str(inst.line), "dir": src_dir})
                    break
            else:
                yield from _package_link_name(a, final, cf, src, base)


# a distribution's library directories: there libX.so is the symbolic link a -dev package ships to the versioned
# file its runtime package holds (Debian Policy 8.4 "Development files"; Alpine's -dev subpackages, as aports'
# default_dev moves the .so links; zeromq-dev's /usr/lib/libzmq.so -> libzmq.so.5.x)
DISTRO_LIB_DIRS = {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                   "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"}
_INSTALLERS = (("apk", "add"), ("apt-get", "install"), ("apt", "install"), ("dnf", "install"), ("yum", "install"),
               ("microdnf", "install"))


def _package_link_name(a: "Analysis", final: _Final, cf, src: str, base: str):
    """MI497 for a distribution's library copied by its link-time name: lib<name>.so exactly, out of a library
    directory of a stage whose package manager installed the -dev package of that library (the line of that RUN):
    named so (libfoo-dev, Alpine's foo-dev) or by the native-library table (zeromq-dev: libzmq)."""
    from .profiles import lib_stem
    from .runtime import libraries

    src_dir = posixpath.normpath("/" + posixpath.dirname(src).lstrip("/"))
    if src_dir not in DISTRO_LIB_DIRS or not base.endswith(".so") or any(ch in base for ch in "*?["):
        return
    stem = base[len("lib"):-len(".so")]
    lib, libs, line = lib_stem(base), libraries(a.kb), None
    for info in _lineage(a, cf.stage_index):
        for run in info.stage.runs:
            words = run.command.split()
            if any(tool in words and verb in words for tool, verb in _INSTALLERS) and any(
                    w.endswith(("-dev", "-devel")) and (libs.linked_by(w) == lib or lib_stem(w.rsplit("-", 1)[0])
                                                        in (lib, stem)) for w in words):
                line = run.line
    if line is not None and stem and not _brings_versioned(final, src_dir, stem):
        yield Hit(cf.line, {"copy": f"COPY --from={cf.source} {src}", "lib": lib, "dev": base,
                            "line": str(line), "dir": src_dir})
