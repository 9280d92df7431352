"""The images the catalogue can recommend that cannot be made faithfully here, and why (lab/images.py, lab/e2e.py).

A plan or a rejection that needs one of them is "not proven here" in the end-to-end matrix, with the reason below.
"""
from __future__ import annotations

# Images the catalogue can recommend that cannot be made faithfully here.
NOT_PROVABLE = {
    "alpine:3.24": "Alpine's apk repositories are not reachable from this machine; Debian's musl is not Alpine",
    "busybox:musl": "needs busybox statically linked against musl from Alpine; not buildable from Debian packages",
    "busybox:uclibc": "needs buildroot's uClibc-ng toolchain; not in Debian",
    "cgr.dev/chainguard/static": "Chainguard's Wolfi packages are not reachable from this machine",
    "cgr.dev/chainguard/glibc-dynamic": "Chainguard's Wolfi packages (glibc from Wolfi) are not reachable",
    "cgr.dev/chainguard/wolfi-base": "Chainguard's Wolfi packages (glibc, busybox, apk-tools from Wolfi) are not reachable",
    "mcr.microsoft.com/dotnet/runtime-deps:10.0": "Ubuntu 24.04 packages (glibc 2.39, libicu74) are not reachable from this machine",
    "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled": "chisel slices of Ubuntu 24.04 packages are not reachable from this machine",
    "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra": "chisel slices of Ubuntu 24.04 packages (with libicu74, tzdata) are not reachable",
    "mcr.microsoft.com/dotnet/runtime:10.0": "Ubuntu 24.04 packages and Microsoft's .NET 10 runtime tarball are not reachable from this machine",
    "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled": "Ubuntu 24.04 chisel slices and the .NET 10 runtime tarball are not reachable",
    "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled-extra": "Ubuntu 24.04 chisel slices and the .NET 10 runtime tarball are not reachable",
    "mcr.microsoft.com/dotnet/aspnet:10.0": "Ubuntu 24.04 packages and the ASP.NET Core 10 tarballs are not reachable from this machine",
    "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled": "Ubuntu 24.04 chisel slices and the ASP.NET Core 10 tarballs are not reachable",
    "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra": "Ubuntu 24.04 chisel slices and the ASP.NET Core 10 tarballs are not reachable",
    "ruby:4.0-slim": "Ruby 4.0 is not packaged in Debian 13 (ruby3.3), and ruby-lang.org sources are not reachable to build it",
    "ruby:4.0-alpine": "Alpine's apk repositories are not reachable from this machine",
    "php:8.5-cli": "PHP 8.5 is not packaged in Debian 13 (php8.4), and php.net sources are not reachable to build it",
    "php:8.5-cli-alpine": "Alpine's apk repositories are not reachable from this machine",
    "python:3.14-slim": "Python 3.14 is not packaged in Debian 13 (python3.13), and python.org sources are not reachable",
    "python:3.14-alpine": "Alpine's apk repositories are not reachable from this machine",
    "node:24-slim": "Node.js 24 is not packaged in Debian (nodejs 20.19), and nodejs.org builds are not reachable",
    "node:24-trixie-slim": "Node.js 24 is not packaged in Debian 13 (nodejs 20.19), and nodejs.org builds are not reachable",
    "node:24-alpine": "Alpine's apk repositories are not reachable from this machine",
    "gcr.io/distroless/nodejs24-debian13": "Node.js 24 is not packaged in Debian 13, and nodejs.org builds are not reachable",
    "python:3.15-slim": "Python 3.15 is not packaged in Debian 13 (python3.13), and python.org sources are not reachable",
    "node:26-trixie-slim": "Node.js 26 is not packaged in Debian 13 (nodejs 20.19), and nodejs.org builds are not reachable",
    "gcr.io/distroless/nodejs26-debian13": "Node.js 26 is not packaged in Debian 13, and nodejs.org builds are not reachable",
    "eclipse-temurin:17-jre": "Adoptium's Temurin 17 builds are not reachable; the lab's Java stand-ins use Debian 13's "
                              "OpenJDK 21, so a Java 17 image is not made",
    "gcr.io/distroless/java17-debian13": "the lab's Java stand-ins use Debian 13's OpenJDK 21, so a Java 17 image is not made",
    "registry.access.redhat.com/ubi9/ubi-micro": "Red Hat's RPM repositories (UBI 9 and 10) are not reachable from this machine",
    "dhi.io/python:3.14-debian13": "Docker Hardened Images are built from Docker's own package builds and registry "
                                   "(dhi.io), neither reachable from this machine",
}


def why_not(ref: str) -> str:
    """Why ``ref`` has no faithful image here."""
    if ref in NOT_PROVABLE:
        return NOT_PROVABLE[ref]
    for prefix, why in (("alpine", NOT_PROVABLE["alpine:3.24"]), ("cgr.dev/chainguard", NOT_PROVABLE[
            "cgr.dev/chainguard/static"]), ("mcr.microsoft.com/dotnet", NOT_PROVABLE[
            "mcr.microsoft.com/dotnet/runtime-deps:10.0"]),
            ("registry.access.redhat.com/", NOT_PROVABLE["registry.access.redhat.com/ubi9/ubi-micro"]),
            ("eclipse-temurin:25-jre-ubi", NOT_PROVABLE["registry.access.redhat.com/ubi9/ubi-micro"]),
            ("dhi.io/", NOT_PROVABLE["dhi.io/python:3.14-debian13"])):
        if ref.startswith(prefix) or ref.endswith("-alpine"):
            return why
    return "no lab recipe builds this image yet"
