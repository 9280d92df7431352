"""Shared libraries installed from source into /usr/local/lib of a glibc image with nothing refreshing the loader's
cache after them (MI495).

glibc's loader looks for a library in DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, then /etc/ld.so.cache, then only the
trusted directories (/lib, /usr/lib and their multiarch twins): /usr/local/lib is searched only when ldconfig has put
it in the cache (Debian and Ubuntu list it in /etc/ld.so.conf.d/libc.conf, so `ldconfig` is all it takes). musl's
loader searches /lib:/usr/local/lib:/usr/lib with no cache at all, so Alpine images need nothing. Checked by running
it: a program linked against a libfoo.so.1 installed in an otherwise empty root's /usr/local/lib stops with
"error while loading shared libraries: libfoo.so.1: cannot open shared object file" (exit 127) under glibc until
`ldconfig -r root` runs, also when a cache made before the install is there, and once the library is copied into
the root's /usr/lib, with no cache at all (checked the same way); under musl it runs as it is.

What counts as a library install: `b2 install` / `bjam install` (Boost.Build installs libraries), and `make
install`, `ninja install`, `cmake --install`, `cmake --build ... --target install`, `meson install` run in a source
directory named like a library (libfoo, htslib, zlib-1.3) or configured with shared libraries on
(-DBUILD_SHARED_LIBS=ON, --enable-shared), or of a project installed before another project's build is configured
(cmake, ./configure, meson setup) in another directory: that build's dependency, found in /usr/local, is its library
(curlpp, whose CMakeLists.txt builds libcurlpp.so by default, then deepdetect built against it:
jolibrain/deepdetect#280), or of a source directory named after a project whose default install is known to put
shared libraries into <prefix>/lib (native_packages `source`, read from their build files: mosquitto's
libmosquitto.so.1, which its own mosquitto_sub links: AnsgarSchmidt/Mosquitto#4); build tools (cmake, ninja,
autoconf, python, ... in _TOOLS) are not. Left alone:
static-only builds (--disable-shared, -DBUILD_SHARED_LIBS=OFF, link=static), another prefix (--prefix=/usr puts them
in a trusted directory), a DESTDIR staging install, and any stage whose image sets LD_LIBRARY_PATH or whose steps
give an rpath. What refreshes the cache: `ldconfig` (not -n/-p) and a package install or removal after the library
(dpkg and rpm run ldconfig from their triggers and scriptlets: apt-get remove/autoremove of build dependencies too); a cp, mv or ln of the library's files (or of /usr/local/lib/*)
into a trusted directory (/usr/lib) puts it where the loader looks without the cache. A COPY of /usr/local/lib (or
of /usr/local) from a stage that installed such a library into the final image needs the same refresh there.

Linear in the Dockerfile's size: one pass over each stage's instructions and their simple commands.
"""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..model import LintRule
from .results import Hit
from .shellwords import abspath, expand, is_assignment, simple_commands, unquote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

_PACKAGE_INSTALLS = {"apt-get": "install", "apt": "install", "aptitude": "install", "dnf": "install",
                     "yum": "install", "microdnf": "install", "tdnf": "install", "zypper": "install", "dpkg": "-i",
                     "rpm": "-i"}
#: a package removal runs ldconfig too: a library package's postrm, or dpkg's `ldconfig` trigger that debhelper's
#: dh_makeshlibs makes it activate (deb-triggers(5): on any change of the package's state), as rpm's %postun does
_REMOVES = {"remove", "purge", "autoremove", "erase", "-r", "-P", "--remove", "--purge", "-e"}
_MAKES = ("make", "gmake", "ninja", "meson")
_PREFIX_OPTIONS = ("--prefix=", "-DCMAKE_INSTALL_PREFIX=", "-DCMAKE_INSTALL_PREFIX:PATH=", "-DCMAKE_INSTALL_PREFIX:STRING=")
_LIBDIR_OPTIONS = ("--libdir=", "-DCMAKE_INSTALL_LIBDIR=", "-DCMAKE_INSTALL_LIBDIR:PATH=")
_STATIC = ("--disable-shared", "--static", "-DBUILD_SHARED_LIBS=OFF", "-DBUILD_SHARED_LIBS:BOOL=OFF", "link=static",
           "-Ddefault_library=static", "--default-library=static")
_SHARED = ("--enable-shared", "-DBUILD_SHARED_LIBS=ON", "-DBUILD_SHARED_LIBS:BOOL=ON", "link=shared",
           "-Ddefault_library=shared", "--default-library=shared")
LOCAL = "/usr/local"
#: the directories glibc's loader searches without its cache (and their x86_64 multiarch and lib64 twins)
_TRUSTED = {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"}
#: projects whose install is a build tool (or an interpreter built without --enable-shared), not a library another
#: build links: compared with the source directory's name before its version (cmake-3.28.1, Python-3.12.1)
_TOOLS = {"cmake", "ninja", "meson", "make", "autoconf", "automake", "libtool", "m4", "pkg", "pkgconf", "bison",
          "flex", "gcc", "binutils", "python", "perl", "ruby", "node", "git", "swig", "doxygen", "nasm", "yasm",
          "texinfo", "gettext", "help2man", "ccache", "patchelf", "re2c", "gperf"}


#: build directories named for what they hold, not for the project built in them
GENERIC = {"build", "_build", "builddir", "cmake", "out", "release", "debug", "src", "source", "tmp", "obj", "bin"}


def source_name(where: str) -> str:
    """The project built in `where`: its last component that is not a generic build directory (/opt/cctag/build:
    cctag), else its last."""
    for part in reversed(where.rsplit("/", 8)[-8:]):
        if part and part.lower() not in GENERIC:
            return part
    return posixpath.basename(where) or where


def _library_dir(path: str) -> str | None:
    """The component of `path`, among its last eight, named like a library (libgit2, htslib, zlib-1.3.1, libbpf),
    or None."""
    for part in reversed(path.rsplit("/", 8)[-8:]):
        low = part.lower()
        name = low.split("-", 1)[0].split("_", 1)[0]
        stem = name.rstrip("0123456789.")
        if len(low) > 3 and (low.startswith("lib") and low[3].isalnum() or len(stem) > 3 and stem.endswith("lib")):
            return part
    return None


class _Pending:
    """What the configure steps since the last install said: the prefix and libdir, shared or static."""

    __slots__ = ("prefix", "libdir", "shared")

    def __init__(self):
        self.prefix, self.libdir, self.shared = None, None, None

    def read(self, argv: list[str], env: dict) -> None:
        for a in argv:
            for opt in _PREFIX_OPTIONS:
                if a.startswith(opt):
                    self.prefix = expand(unquote(a[len(opt):]), env, "*")
            for opt in _LIBDIR_OPTIONS:
                if a.startswith(opt):
                    self.libdir = expand(unquote(a[len(opt):]), env, "*")
            if a in _STATIC:
                self.shared = False
            elif a in _SHARED:
                self.shared = True


def _install_step(argv: list[str], cwd: str) -> tuple[str, str] | None:
    """(kind, source directory) when `argv` installs a build: ('b2', dir) for Boost.Build, ('make', dir) else."""
    prog = posixpath.basename(argv[0])
    args = argv[1:]
    where = cwd
    for i, a in enumerate(args[:-1]):
        if a == "-C":
            where = abspath(args[i + 1], cwd)
    if prog in ("b2", "bjam") and "install" in args:
        return "b2", where
    if prog in _MAKES and any(a.startswith("install") and "=" not in a for a in args):
        return "make", where
    if prog == "cmake" and "--install" in args:
        i = args.index("--install")
        return "make", abspath(args[i + 1], cwd) if i + 1 < len(args) else cwd
    if prog == "cmake" and "--build" in args and "--target" in args:
        i = args.index("--target")
        if i + 1 < len(args) and args[i + 1] == "install":
            return "make", cwd
    return None


class _Walk:
    """One pass over a stage lineage's instructions: the library installs not yet followed by a cache refresh."""

    def __init__(self, projects: dict | None = None):
        self.projects = projects or {}  # native_packages `source`: project -> the shared libraries its install adds
        self.open: list[tuple[int, str, str]] = []  # (line, step, library) awaiting ldconfig
        self.done: set = set()  # libraries the lineage installed (for a COPY of /usr/local/lib out of it)
        self.ld_path = False  # LD_LIBRARY_PATH or an rpath: the loader is told where to look
        self.names: dict[str, str | None] = {}  # source directory -> the library it is named like
        self.known: dict[str, str | None] = {}  # source directory -> the listed project's libraries
        self.maybe: list[tuple[int, str, str, str]] = []  # installs of a project not named like a library
        self.lookup = lambda where: None  # the shared library a CMake build in `where` installs (cmakeinstalls.py)
        self.origin: tuple | None = None  # (file, FROM line) while walking the Dockerfile that builds the base image

    def run(self, text: str, line: int, cwd: str, env: dict) -> str:
        return self.commands(simple_commands(text), line, cwd, env)

    def instruction(self, run, cwd: str, env: dict) -> None:
        """One RUN, started in `cwd`: its shell text, or an exec form's one command (`RUN ["make", "install"]`
        installs as well)."""
        if run.exec_form:
            if run.argv:
                self.commands([list(run.argv)], run.line, cwd, env)
        else:
            self.run(run.command, run.line, cwd, env)

    def commands(self, commands: list[list[str]], line: int, cwd: str, env: dict) -> str:
        """Walk one RUN's simple commands (argv lists); the working directory after them."""
        pending = _Pending()
        local = dict(env)
        for argv in commands:
            assigns = {}
            while argv and (is_assignment(argv[0]) or argv[0] == "env"):
                if argv[0] != "env":
                    k, _, v = argv[0].partition("=")
                    assigns[k] = v
                argv = argv[1:]
            if "LD_LIBRARY_PATH" in assigns or any("rpath" in a.lower() for a in (*argv, *assigns.values())):
                self.ld_path = True
            if not argv:
                local.update(assigns)
                continue
            prog = posixpath.basename(argv[0])
            if prog == "export":
                self.ld_path |= any(a.startswith("LD_LIBRARY_PATH=") for a in argv[1:])
            elif prog == "cd" and len(argv) > 1:
                cwd = abspath(expand(argv[1], local, "x"), cwd)
            elif prog == "ldconfig" and not any(a in ("-n", "-p", "--print-cache", "-N") for a in argv[1:]):
                self.open.clear()
                self.maybe.clear()
            elif prog in _PACKAGE_INSTALLS and (_PACKAGE_INSTALLS[prog] in argv[1:] or _REMOVES & set(argv[1:])):
                self.open.clear()
                self.maybe.clear()
            elif prog in ("cp", "mv", "ln") and (self.open or self.maybe):
                self._trusted_copy([expand(x, local, "*") for x in argv[1:] if not x.startswith("-")])
            else:
                if self.maybe and _configures(prog, argv):
                    self._dependency_of(cwd)
                pending.read(argv, local)
                step = _install_step(argv, cwd)
                if step is not None:
                    self._install(step, argv, line, pending, {**local, **assigns})
                    pending = _Pending()
        return cwd

    def _trusted_copy(self, paths: list[str]) -> None:
        """`cp /usr/local/lib/libfoo.so* /usr/lib/`: the loader finds what lands in a trusted directory without the
        cache, so the installs of the libraries copied (named in the sources, or all of /usr/local/lib) are done."""
        if len(paths) < 2 or posixpath.normpath(paths[-1]) not in _TRUSTED and \
                not posixpath.normpath(paths[-1]).startswith(("/usr/lib/", "/lib/")):
            return
        sources = [posixpath.normpath(p) for p in paths[:-1] if posixpath.normpath(p).startswith(LOCAL + "/lib")]
        if not sources:
            return
        whole = any(src in (LOCAL + "/lib", LOCAL + "/lib/*") for src in sources)
        names = "\0".join(posixpath.basename(src).lower() for src in sources)

        def copied(name: str) -> bool:
            stem = name.lower().split(" ", 1)[0]
            stem = stem[3:] if stem.startswith("lib") else stem
            stem = stem.replace("_", "-").split("-", 1)[0]
            return whole or bool(stem) and stem in names

        self.open = [item for item in self.open if not copied(item[2])]
        self.maybe = [item for item in self.maybe if not copied(item[2])]

    def _known_project(self, where: str) -> str | None:
        """'mosquitto's libmosquitto.so.1' when the source directory `where` (.../mosquitto-1.4.15, or mosquitto-x for
        an unset variable) is a project whose default install puts shared libraries into <prefix>/lib."""
        if where not in self.known:  # one look per directory, as for self.names
            self.known[where] = self._project_named(posixpath.basename(where).lower())
        return self.known[where]

    def _project_named(self, base: str) -> str | None:
        for name, entry in self.projects.items():
            rest = base[len(name):] if base.startswith(name) else None
            if rest == "" or rest and rest[0] in "-_" and (rest[1:2].isdigit() or rest[1:] == "x"
                                                           or rest[1:2] == "v" and rest[2:3].isdigit()):
                return f"{name}'s {', '.join(entry['libs'])}"
        return None

    def _dependency_of(self, cwd: str) -> None:
        """Another project is configured in `cwd` after projects were installed into /usr/local: they are what its
        build finds there, its libraries (a build step's tool would be the toolchain's, _TOOLS)."""
        kept = []
        for item in self.maybe:
            line, what, name, where = item
            if cwd != where and not cwd.startswith(where.rstrip("/") + "/"):
                self.open.append((line, what, f"{name} (installed before the build configured in {cwd}, which "
                                              "links what it installed)"))
                self.done.add(name)
            else:
                kept.append(item)
        self.maybe = kept

    def _install(self, step: tuple[str, str], argv: list[str], line: int, pending: _Pending, env: dict) -> None:
        kind, where = step
        pending.read(argv, env)
        prefix = env.get("PREFIX") or env.get("prefix") or pending.prefix or LOCAL
        for a in argv[1:]:
            if a.startswith(("PREFIX=", "prefix=")):
                prefix = a.split("=", 1)[1]
            if a.startswith("DESTDIR=") or env.get("DESTDIR"):
                return  # staged into another root, copied from there
        libdir = pending.libdir
        if posixpath.normpath(prefix or "/") != LOCAL or pending.shared is False:
            return
        if libdir and posixpath.normpath(abspath(libdir, LOCAL)) != LOCAL + "/lib":
            return
        if where not in self.names:  # one look per directory: a RUN may install there thousands of times
            self.names[where] = _library_dir(where)
        name = self.names[where]
        if kind == "b2":
            name = "Boost" if "boost" in where.lower() else (name or "the Boost.Build project")
        elif name is None and pending.shared:
            name = source_name(where)
        what = " ".join(argv[:4]) + (" ..." if len(argv) > 4 else "")
        if self.origin is not None:  # in the file that builds the image: said there, found at the FROM of it
            what, line = f"{what} (line {line} of {self.origin[0]})", self.origin[1]
        if name is None and kind == "make":
            name = self.lookup(where) or self._known_project(where)
        if name is None:
            base = posixpath.basename(where).lower()
            if base and base.replace("_", "-").split("-", 1)[0].rstrip("0123456789.") not in _TOOLS:
                self.maybe.append((line, what, posixpath.basename(where), where))
            return
        self.open.append((line, what, name))
        self.done.add(name)


def _configures(prog: str, argv: list[str]) -> bool:
    """Does `argv` configure a build (cmake's generate step, an autotools ./configure, meson setup)?"""
    if prog == "cmake":
        return not any(x in ("--build", "--install", "-E", "-P", "--version", "--help") for x in argv[1:2])
    return prog == "configure" or prog == "meson" and argv[1:2] == ["setup"]


def _lookup(a: "Analysis", info):
    from .cmakeinstalls import stage_shared_installs

    return lambda where: stage_shared_installs(a, info, where)


def _lineage(a: "Analysis", index: int) -> list:
    chain = []
    i: int | None = index
    while i is not None:
        chain.append(a.stages[i])
        i = a.stages[i].stage.base_stage
    return chain[::-1]


def _images_lineage(a: "Analysis", index: int, walk: _Walk, env: dict):
    """(analysis, stage info) of stage `index`'s lineage, after the stages of the Dockerfile of the build context that
    builds the image it starts FROM (kb/lint/contextimages.py `lineage`): the walk's origin set while in that file,
    each file's global ARGs put into `env` (a stage's own ENV wins) as its stages start."""
    chain = _lineage(a, index)
    if a.context_dir and not chain[0].profile.known:
        from .contextimages import lineage

        pairs = lineage(a, index)
    else:
        pairs = [(a, info) for info in chain]
    at = chain[0].stage.line
    current = None
    for an, info in pairs:
        if an is not current:
            current = an
            walk.origin = None if an is a else (an.report.path or "the base image's Dockerfile", at)
            for k, v in an.global_args.items():
                env.setdefault(k, v)
        yield an, info
    walk.origin = None


def _copies_local_lib(sources: tuple, dest: str | None) -> bool:
    """Does a COPY of `sources` to `dest` put a source stage's /usr/local/lib libraries into /usr/local/lib?"""
    dest = posixpath.normpath(dest or "/")
    for s in sources:
        src = posixpath.normpath("/" + s.lstrip("/"))
        if src == LOCAL and dest == LOCAL:
            return True
        if (src == LOCAL + "/lib" or src.startswith(LOCAL + "/lib/lib")) and dest == LOCAL + "/lib":
            return True
    return False


def uncached_libraries(a: "Analysis"):
    """(line, step, library) for each library install (or COPY of one) in the final image's stages that nothing
    after it puts in the loader's cache."""
    walk = _Walk(a.kb.native_packages.get("source", {}))
    walks: dict[tuple, _Walk] = {}
    env, cwd = {}, "/"  # a stage built FROM another keeps its ENV and WORKDIR
    for an, info in _images_lineage(a, a.final.index, walk, env):
        stage = info.stage
        walk.lookup = _lookup(an, info)
        runs = {r.line: r for r in stage.runs}
        copies = {cf.line: cf for cf in stage.copy_from}
        for ins in stage.instructions[1:]:
            if ins.cmd == "ENV":
                walk.ld_path |= any(k == "LD_LIBRARY_PATH" for k in ins.args[0::2])
                env.update(zip(ins.args[0::2], (unquote(v) for v in ins.args[1::2])))
            elif ins.cmd == "WORKDIR" and ins.args:
                cwd = abspath(expand(ins.args[0], env, "x"), cwd)
            elif ins.cmd == "RUN" and ins.line in runs:
                walk.instruction(runs[ins.line], cwd, env)  # each RUN starts in the WORKDIR: a cd ends with it
            elif ins.cmd == "COPY" and ins.line in copies:
                cf = copies[ins.line]
                if cf.stage_index is None or not _copies_local_lib(cf.sources, cf.dest):
                    continue
                key = (id(an), cf.stage_index)
                if key not in walks:
                    walks[key] = _source_walk(an, cf.stage_index)
                step, line = f"COPY --from={cf.source} {' '.join(cf.sources)}", ins.line
                if walk.origin is not None:
                    step, line = f"{step} (line {line} of {walk.origin[0]})", walk.origin[1]
                for name in sorted(walks[key].done):
                    walk.open.append((line, step, name))
    if walk.ld_path:
        return
    yield from walk.open


def _source_walk(a: "Analysis", index: int) -> _Walk:
    walk = _Walk(a.kb.native_packages.get("source", {}))
    env, cwd = {}, "/"
    for an, info in _images_lineage(a, index, walk, env):
        walk.lookup = _lookup(an, info)
        runs = {r.line: r for r in info.stage.runs}
        for ins in info.stage.instructions[1:]:
            if ins.cmd == "ENV":  # as in the final image's stages: a WORKDIR or a RUN may name what it sets
                env.update(zip(ins.args[0::2], (unquote(v) for v in ins.args[1::2])))
            elif ins.cmd == "WORKDIR" and ins.args:
                cwd = abspath(expand(ins.args[0], env, "x"), cwd)
            elif ins.cmd == "RUN" and ins.line in runs:
                walk.instruction(runs[ins.line], cwd, env)
    return walk


def installed_from_source(a: "Analysis", index: int) -> set[str]:
    """The libraries (named by their source directories: libconfuse-3.3) stage `index` and the stages it is built
    FROM install from source into /usr/local/lib, whatever refreshes the cache after them (kb/lint/srclibs.py)."""
    return set(_source_walk(a, index).done)


@detector("lint", "library-installed-without-ldconfig")
def check_uncached_libraries(a: "Analysis", rule: LintRule):
    prof = a.final.profile
    image = a.final.image
    if prof.known and prof.libc != "glibc":
        return  # musl searches /usr/local/lib by default
    by_line: dict[int, list] = {}
    for line, step, name in uncached_libraries(a):
        by_line.setdefault(line, [step, []])[1].append(name)
    if by_line and not prof.known:  # an image the build context builds itself has its FROM's libc (contextimages.py)
        from .contextimages import built_in_context

        built = built_in_context(a, image, a.final.stage)
        if built is None or built[0] != "glibc":
            return  # an image lint does not know is MI414's
        image = built[1]
    for line, (step, names) in sorted(by_line.items()):
        yield Hit(line, {"step": step, "libs": ", ".join(dict.fromkeys(names)), "image": image,
                         "release": prof.release or "?"},
                  "rpm" if (prof.release or "").startswith(("rhel", "fedora", "ol", "amzn")) else "default")
