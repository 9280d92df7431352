"""Alpine's package naming, for the libraries a build on Alpine links (MI412).

Debian names a library's packages after the library (libconfuse-dev links libconfuse, shipped by libconfuse2), and
`Libraries.linked_by` reads that policy. Alpine names most after the project: confuse-dev and gnutls-dev are the
headers of libconfuse and libgnutls, shipped by confuse and gnutls (aports main/confuse/APKBUILD, main/gnutls/APKBUILD:
`default_dev` moves the headers and the .so link into -dev, the versioned .so stays in the main package), or by a
-libs subpackage where the project also ships programs (xz-libs, zstd-libs, brotli-libs: aports' `default_libs`).
A -dev package of an Alpine build stage that no table entry names (the exceptions, xz-dev for liblzma or openssl-dev
for libssl, are in releases.yaml and knowledge/native-libraries.yaml) is read that way: NAME-dev links libNAME.
troglobit/inadyn#227: a final alpine stage without confuse and gnutls, after a builder with confuse-dev and
gnutls-dev built inadyn (git clone, ./configure, make install).
"""
from __future__ import annotations

from .profiles import lib_stem

# `Libraries` in annotations is kb.lint.libraries' class: named, never imported

#: Alpine -dev packages that are no library's headers, or several libraries' under another name (util-linux-dev:
#: libuuid, libblkid, libmount ...; linux-pam-dev: libpam; elfutils-dev: libelf; openldap-dev: libldap)
_NOT_ONE_LIBRARY = ("linux-headers", "util-linux-dev", "linux-pam-dev", "elfutils-dev", "openldap-dev", "musl-dev",
                    "gettext-dev", "python3-dev", "perl-dev", "ruby-dev", "lua-dev", "nodejs-dev", "go-dev",
                    "mesa-dev", "gcc-dev", "llvm-dev", "clang-dev")


def linked_by(libs: "Libraries", package: str, musl: bool) -> str | None:
    """The library (stem) a build stage links when it installs `package`: lint's tables and Debian's naming, then,
    on Alpine (`musl`), Alpine's: NAME-dev links libNAME."""
    stem = libs.linked_by(package)
    if stem or not musl or not package.endswith("-dev") or package.startswith("lib") or \
            package in _NOT_ONE_LIBRARY or libs.dev_entry(package) is not None:
        return stem
    name = package[:-4]
    return lib_stem("lib" + name) if name[:1].isalpha() else None


def has_library(libs: "Libraries", package: str, stem: str, musl: bool) -> bool:
    """Does installing `package` in the final image bring the library `stem`: lint's tables, Boost's components,
    and on Alpine a -libs subpackage (xz-libs for liblzma is in the tables; nghttp2-libs for libnghttp2 by name) or
    the NAME-dev package itself (it depends on the package that ships the library)?"""
    from .boostlibs import ships as boost_ships

    if libs.ships(package, stem, musl) or boost_ships(package, stem):
        return True
    return musl and (package.endswith("-libs") and lib_stem("lib" + package[:-5]) == stem or
                     linked_by(libs, package, True) == stem)


def static_archives(libs: "Libraries", installed, musl: bool) -> set[str]:
    """The libraries (stems without hyphens, as `Libraries.linked_statically` compares them) whose Alpine -static
    subpackage a build stage installed: NAME-static holds only the .a archives (aports' `default_static`:
    libevent-static, openssl-libs-static, zlib-static), which a build installs to link them statically
    (omar-polo/gmid: libevent-static and `make static`). Its library is then not needed at run time."""
    out: set[str] = set()
    for package in installed if musl else ():
        if not package.endswith("-static"):
            continue
        base = package[:-len("-static")]
        for dev in dict.fromkeys((base + "-dev", base.removesuffix("-libs") + "-dev")):
            stem = linked_by(libs, dev, musl)
            if stem:
                entry = libs.dev_entry(dev) or {}
                out.update(lib_stem(s).replace("-", "") for s in (stem, *entry.get("libs", ())))
    return out
