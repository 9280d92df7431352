"""MI496's check: shared libraries in a directory the final image's loader does not search, with nothing telling it to
look there. Two ways in: copied from a build stage as they were installed (kb/lint/loaderpath.py reads the installs
and follows the COPYs), or installed in the final image's own lineage under a prefix of their own, such as
`b2 install` with --prefix=/opt (Boost into /opt/lib), `./configure --prefix=/opt/foo && make install`, cmake
-DCMAKE_INSTALL_PREFIX=/opt, and linked by a later build there (kb/lint/linkdirs.py: -DCMAKE_PREFIX_PATH=/opt with an
install after it, -DBOOST_ROOT, -L/opt/lib). That lineage starts, when the final image is one the build context builds
itself, in the Dockerfile that builds it (kb/lint/contextimages.py: alicevision/CCTag's Dockerfile_deps installs
Boost into /opt/lib, and Dockerfile, FROM the image it makes, builds CCTag with -DCMAKE_PREFIX_PATH=/opt/:
"libboost_chrono.so.1.70.0: cannot open shared object file", alicevision/CCTag#175). glibc's loader searches only
LD_LIBRARY_PATH, the rpath, /etc/ld.so.cache and its trusted directories (ld.so(8)); /opt/lib is none of them until
an /etc/ld.so.conf.d entry and ldconfig put it in the cache. Quiet when an ENV of either file sets
LD_LIBRARY_PATH, a RUN of the lineage names it, ld.so.conf or the directory (other than in -L), an rpath is given,
the install is static, staged (DESTDIR) or under a searched prefix (/usr)."""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .loaderpath import _ERRORS, _arrivals, _chain, _Final, _read, _searched
from .results import Hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis


def _profile(a: "Analysis"):
    """The final image's profile: its own when lint knows it, else that of the image the Dockerfile of the build
    context that builds it starts FROM (known, or its tag names a release), else None."""
    prof = a.final.profile
    if prof.known:
        return prof
    if not a.context_dir:
        return None
    first = _chain(a, a.final.index)[0]
    root = first[1].profile
    return root if first[2] is not None and (root.known or root.inferred) else None


def unsearched(a: "Analysis", prof):
    """(COPY or None, install, directory, search path, link or None) for each library a COPY puts where the final
    image's loader does not look, or that its own lineage installs there and links, with nothing telling it to."""
    final = _Final(a)
    if final.ld_path or final.mentions("LD_LIBRARY_PATH") or final.mentions("ld-musl-" if prof.libc == "musl"
                                                                               else "ld.so.conf"):
        return
    seen = set()
    for inst, where, cf in _arrivals(a).get(a.final.index, ()):
        found, search = _searched(prof, where)
        if found or inst.rpath or final.mentions(where) or (cf.line, inst.name, where) in seen:
            continue
        seen.add((cf.line, inst.name, where))
        yield cf, inst, where, search, None
    st = _read(a, a.final.index)
    for inst in st.installs:
        if inst.staged or inst.rpath or (inst.name, inst.path) in seen:
            continue
        found, search = _searched(prof, inst.path)
        link = next((k for k in st.links if k[0] > inst.seq and k[1] == inst.path), None)
        if found or link is None or any(inst.path in t.replace("-L" + inst.path, "") for t in final.texts):
            continue
        seen.add((inst.name, inst.path))
        yield None, inst, inst.path, search, link


def _image(info) -> str:
    """The image the final stage starts from as resolved (through the stages it is FROM), or as written when an ARG
    without a default left its tag empty (alpine:)."""
    ref = info.image
    return info.stage.base_image if ref.endswith(":") or not ref else ref


def _at(line: int, origin) -> str:
    return f"{line} of {origin[0]}" if origin else str(line)


@detector("lint", "library-outside-loader-path")
def check_unsearched(a: "Analysis", rule: LintRule):
    prof = _profile(a)
    if prof is None or prof.libc not in ("glibc", "musl"):
        return
    image = _image(a.final)
    for cf, inst, where, search, link in unsearched(a, prof):
        values = {"lib": inst.name, "line": str(inst.line), "dir": where, "why": inst.why, "search": search,
                  "image": image, "error": _ERRORS[prof.libc]}
        if cf is not None:
            values["copy"] = f"COPY --from={cf.source} {' '.join(cf.sources)} {cf.dest}"
            yield Hit(cf.line, values, "musl" if prof.libc == "musl" else "default")
            continue
        if inst.origin is not None:
            from .contextimages import origin

            values["copy"] = f"FROM {image} ({origin(a, _chain(a, a.final.index)[-1][1].stage)})"
        else:
            values["copy"] = "This image"
        values["line"] = _at(inst.line, inst.origin)
        values["why"] = (f" (its prefix's lib directory; line {_at(link[2], link[3])}'s {link[4]} links a program "
                         f"against them, without an rpath to it)")
        yield Hit(inst.origin[1] if inst.origin else inst.line, values, "prefix")
