"""What to install in the final image for the libraries MI412 finds missing, per distribution.

knowledge/native-libraries.yaml and releases.yaml give each library's run-time package: `apk` (Alpine's name) and
`apt`, per release (the soname version is part of a Debian package's name, so releases name it differently; a
release the data does not name gets how to find it, with a release's name as the example). libpython's Debian
package follows the build stage's Python (releases.yaml `python3`: libpython3.8 on Ubuntu 20.04). A library the
table does not name is installed by Debian's naming policy (libfoo-dev links libfoo, shipped by libfoo<soversion>),
which `apt-cache depends` resolves: the hint says so rather than guess a version.
"""
from __future__ import annotations

# `Analysis`, `StageInfo` and `Libraries` in annotations are kb.lint's classes: named, never imported


def _dev_package(libs: "Libraries", src: "StageInfo", stem: str) -> str | None:
    """The package the build stage installed that links `stem` (libjsoncpp-dev), or None."""
    from .apknames import linked_by

    musl = src.profile.libc == "musl"
    return next((p for p in sorted(src.profile.installed) if linked_by(libs, p, musl) == stem), None)


def install_hint(a: "Analysis", libs: "Libraries", src: "StageInfo", missing: list[tuple[str, str]], apk: bool) -> str:
    """The packages to install in the final stage for `missing` ((stem, why) pairs), as one phrase: the names lint
    knows, then how to find the others."""
    release = a.final.profile.release or ""
    wolfi = release == "wolfi"  # apk, with Wolfi's own package names where the table has them (pcsc-lite)
    apk = apk or wolfi
    # the build stage's own run-time packages name the final image's only where both use one package manager
    same_names = (src.profile.libc == "musl" or src.profile.release == "wolfi") == apk
    names: list[str] = []
    others: list[str] = []
    notes: list[str] = []  # what no package of the final image's release brings
    guessed: list[str] = []  # Alpine: the -dev package's name without -dev, its usual run-time package
    for stem, why in missing:
        entry = libs.entries.get(stem) or {}
        if "built from source and installed into /usr/local/lib" in why:  # kb/lint/srclibs.py
            stage = src.stage.name or src.stage.index
            first = why.split(" ", 1)[0]  # the library's file when srclibs.py names it (libsqlite3.so.0)
            name = first.split(".so", 1)[0] if ".so" in first else stem
            notes.append(f"COPY --from={stage} /usr/local/lib/{name}.so.* /usr/local/lib/ (built there from source; "
                         "on a glibc image, RUN ldconfig after it)")
            continue
        dev = _dev_package(libs, src, stem)
        if stem == "libpython" and not apk:
            from .pyembed import python_version

            version = python_version(a, src)
            final_version = a.kb.releases.get(release, {}).get("python3")
            if version and final_version and version != final_version:
                notes.append(f"no package of {release} has libpython{version} (its Python is {final_version}): start "
                             f"the final stage from python:{version}-slim, or build against the final image's Python")
                continue
            if version:
                names.append(f"libpython{version}")
            else:
                notes.append("the libpython3.X of the Python the build stage links (its image does not say which)")
            continue
        if stem.startswith("libboost-") and not entry:
            from .boostlibs import install_name

            (names if apk else others).append(install_name(stem, apk))
            continue
        name = (entry.get("wolfi") if wolfi else None) or entry.get("apk" if apk else "apt")
        known_names = name if isinstance(name, dict) else {}
        skew = None if apk else _soname_skew(entry, src.profile.release or "", release)
        if skew:
            notes.append(skew)
            continue
        if " package that stage installed" in why:  # kb/lint/aptprograms.py: the program's own package brings it
            notes.append(f"or install {why.split(' package that stage installed')[0].rsplit(' ', 1)[-1]} itself "
                         "in the final stage instead of copying its files")
        if known_names and not release:  # a repository@digest: which release, hence which name, is not known
            name = " or ".join(dict.fromkeys(known_names.values())) + " (by the image's release)"
        elif known_names:  # named per release: {debian12: libssl3, default: libssl3t64}
            name = known_names.get(release) or known_names.get("default")
        if name:
            names.append(str(name))
        elif dev and not dev.endswith("-dev") and same_names:
            names.append(dev)  # the run-time package itself, installed for the build (libcairo2)
        elif dev and not dev.endswith("-dev"):
            others.append(f"the package that ships {stem}.so")  # another distribution's name for it
        elif apk and dev and not wolfi:
            guessed.append(dev[:-4])
        elif not apk and dev and dev.startswith("lib"):
            example = next(iter(known_names.items()), None)
            others.append(f"the {dev[:-4]}<soversion> package of {dev}" +
                          (f" ({example[1]} on {example[0]})" if example else ""))
        else:
            others.append(f"the package that ships {stem}.so")
    command = "apk add --no-cache" if apk else "apt-get install --no-install-recommends"
    out = f"{command} {' '.join(names)}" if names else ""
    if guessed:
        out += (" " if out else f"{command} ") + " ".join(guessed) + \
            " (named after the -dev packages, as Alpine names most)"
    if others:
        out += ("; and " if out else f"{command} ") + ", ".join(others)
        if not apk:
            out += " (`apt-cache depends` on the -dev package names it)"
    return "; ".join(x for x in (out, *notes) if x)


def _soname_skew(entry: dict, built: str, release: str) -> str | None:
    """What to say when the library's soname differs between the build stage's release and the final image's
    (`sonames` of releases.yaml: libmysqlclient.so.20 on Ubuntu 18.04, .so.21 from 20.04): no package of the final
    image's release has the one the program was linked with."""
    sonames, names = entry.get("sonames"), entry.get("apt")
    if not isinstance(sonames, dict) or not built or not release:
        return None
    have, need = sonames.get(release) or sonames.get("default"), sonames.get(built) or sonames.get("default")
    if not have or not need or have == need:
        return None
    names = names if isinstance(names, dict) else {}
    theirs, ours = names.get(built) or names.get("default"), names.get(release) or names.get("default")
    return (f"no package of {release} has {need}, which the build on {built} linked ({theirs} there; {release}'s "
            f"{ours} has {have}): build on {release} too, or install {theirs} from {built}'s archive")


def other_soname(libs: "Libraries", stem: str, package: str, built: str, release: str) -> bool:
    """Is `package` the final release's package of a library whose soname there is not the build release's
    (libmysqlclient21 on Ubuntu 20.04 for a program linked on 18.04 against libmysqlclient.so.20)?"""
    entry = libs.entries.get(stem) or {}
    names = entry.get("apt")
    if not isinstance(names, dict) or not _soname_skew(entry, built, release):
        return False
    return package == (names.get(release) or names.get("default")) != (names.get(built) or names.get("default"))


def skewed_first(a: "Analysis", libs: "Libraries", src: "StageInfo", missing: list[tuple[str, str]]
                 ) -> list[tuple[str, str]]:
    """`missing` with the libraries whose soname differs between the build stage's release and the final image's
    first, their soname said in front of the why (libmysqlclient.so.20: ...): what no package of the final
    release can bring is the surest of them."""
    built, release, out, rest = src.profile.release or "", a.final.profile.release or "", [], []
    for stem, why in missing:
        sonames = (libs.entries.get(stem) or {}).get("sonames")
        if _soname_skew(libs.entries.get(stem) or {}, built, release) and isinstance(sonames, dict):
            need = sonames.get(built) or sonames.get("default")
            out.append((stem, why if why.startswith(f"{need}:") else f"{need}: {why}"))
        else:
            rest.append((stem, why))
    return out + rest


def first_name(stem: str, why: str) -> str:
    """The library as the loader's error names it, up to `.so`: libpython3.8 where the why names the soname
    (kb/lint/pyembed.py puts it first), else the stem (libjsoncpp)."""
    head = why.split(":", 1)[0]
    return head.split(".so", 1)[0] if head.replace("_", "-").startswith(stem) and ".so" in head else stem
