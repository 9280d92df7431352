"""C and C++ programs built outside the Dockerfile: a COPY from the build context of a file named after an executable
of the context's CMake project (MI412).

A project often builds on the host or a CI runner (`mkdir build && cd build && cmake .. && make`) and its Dockerfile
only copies the result: `COPY ./build/ldp /bin/ldp`. Lint cannot see how that file was linked, but when the build
context holds the CMakeLists.txt that makes it (`add_executable(ldp ...)`), what that file asks for by name is what
the program links: a library of knowledge/native-libraries.yaml and releases.yaml found with find_package or
pkg-config (find_package(PostgreSQL): libpq, find_package(CURL): libcurl) or named plainly in target_link_libraries.
A name the tables do not list as a shared library (a header-only library, Threads) says nothing. The program is
taken to link those dynamically, cmake's default, unless the CMakeLists.txt links with -static or takes them from
vcpkg (static libraries on Linux); only a glibc final image lint knows is judged, as for the Rust programs of
kb/lint/cargoprebuilt.py (library-data-platform/ldp#216: libpq5 missing from debian:buster-slim).
"""
from __future__ import annotations

from .apknames import has_library
from .builds import BuiltFile
from .cmaketext import cmake_calls
from .landing import copies_from_context
from .linkevidence import _stem, cmake_names
from .prebuilt import CONTEXT, context_copies
from .profiles import lib_stem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .libraries import Libraries
    from .stages import Analysis


def _executables(text: str) -> set[str]:
    """The names of add_executable(NAME ...) calls (not IMPORTED or ALIAS targets: those build nothing)."""
    return {w[0] for w in cmake_calls(text, text.lower(), "add_executable")
            if w and w[0][:1].isalpha() and not {"IMPORTED", "ALIAS"} & set(w[1:2])}


def cmake_prebuilts(a: "Analysis") -> list[tuple[BuiltFile, int, str]]:
    """(the program, its COPY line, its add_executable name) for each file the final stage copies from the build
    context whose name is an executable of the context's CMakeLists.txt."""
    if not a.context_dir or not copies_from_context(a):
        return []
    from .cmake import _LINK_SETTING, _STATIC, _cmakelists, _is_cxx  # compiled only where a context is copied

    text = _cmakelists(a)
    if not text or "add_executable" not in text.lower():
        return []
    if _STATIC.search(" ".join(_LINK_SETTING.findall(text))):
        return []  # linked statically: it needs no library of the image
    names = _executables(text)
    lang = "cpp" if _is_cxx(text) else "c"
    return [(BuiltFile(path=path, lang=lang, linkage="unknown", stage=a.final.index, line=ins.line,
                       builder=CONTEXT, builder_release=None, builder_glibc=None,
                       why=f"taken to be built from the context's CMake project: CMakeLists.txt has "
                           f"add_executable({program})"), ins.line, program)
            for ins, _src, _base, program, path in context_copies(a, names)]


def _needs(a: "Analysis", libs: "Libraries") -> dict[str, str]:
    """The shared libraries (stem -> why) the context's CMakeLists.txt asks for by name."""
    from .cmake import _cmakelists, linked_by_name

    text = _cmakelists(a) or ""
    needs: dict[str, str] = {}
    # vcpkg's packages (its toolchain file, a vcpkg.json manifest) are static libraries on Linux unless a -dynamic
    # triplet is asked for (learn.microsoft.com/vcpkg/users/triplets: x64-linux builds static libraries)
    vcpkg = "vcpkg" in text.lower() and "linux-dynamic" not in text.lower()
    for name, call in () if vcpkg else cmake_names(text).items():
        for stem in (libs.find_names.get(name.lower()), _stem(name)):
            if stem in libs.entries:
                needs.setdefault(stem, f"{call} in CMakeLists.txt")
                break
    for stem, why in linked_by_name(text).items():
        if stem in libs.entries:
            needs.setdefault(stem, why)
    return needs


def library_hits(a: "Analysis", libs: "Libraries"):
    """(COPY line, the program, [(library, why)]) for each C or C++ program copied prebuilt from the build context
    into a glibc final image lint knows that lacks a library its CMakeLists.txt links (MI412)."""
    prof = a.final.profile
    if not prof.known or prof.libc != "glibc" or prof.libs is None or "libs-bundle" in prof.provided:
        return
    programs = cmake_prebuilts(a)
    needs = _needs(a, libs) if programs else {}
    for art, line, _program in programs:
        missing = [(stem, why) for stem, why in needs.items()
                   if stem not in prof.libs and not any(lib_stem(p) == stem for p in prof.libs)
                   and not any(has_library(libs, p, stem, False) for p in prof.installed)]
        if missing:
            yield line, art, missing
