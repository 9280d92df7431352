"""The Java images of the end-to-end matrix, from Debian 13's OpenJDK 21 (lab/images.py registers them).

No Adoptium archive, Maven Central or Ubuntu archive is reachable here, so Debian 13's ``openjdk-21-*-headless``
packages stand in for Eclipse Temurin 21 in all three images:

* ``maven:3-eclipse-temurin-21`` (the build image of the java-jre strategies): Debian's JDK and Maven 3.9, with the
  Maven plugins Debian packages (``lib*-java``, installed in ``/usr/share/maven-repo``). Maven's global settings
  (``/etc/maven/settings.xml``, which Debian's ``/usr/share/maven/conf/settings.xml`` links to) mirror every
  repository to ``file:///usr/share/maven-repo``: the image's own configuration, so a generated Dockerfile's
  ``mvn -q -DskipTests package`` builds unchanged and offline, as long as the project's plugins and dependencies are
  ones Debian packages. Debian's Maven binds the jar lifecycle to plugin versions Debian ships (maven-core's
  default-bindings.xml: resources 3.3.1, compiler 3.13.0, surefire 2.17, jar 3.1.2, install 3.1.2), so a pom that
  does not pin plugin versions (lab/samples/java/pom.xml) resolves every plugin from that repository.
* ``eclipse-temurin:21-jre``: Debian's JRE on debian:trixie-slim, at ``/opt/java/openjdk``.
* ``gcr.io/distroless/java21-debian13``: distroless's java_base (lab/images.py ``distroless-java-base-debian13``) with
  Debian's JRE unpacked (no maintainer scripts, as distroless unpacks packages) and the Java CA keystore in
  ``/etc/ssl/certs/java/cacerts``, which distroless generates from the CA bundle (its java_cacerts rule) and Debian's
  ca-certificates-java generates from the same bundle: it is taken from the eclipse-temurin:21-jre root.

Debian's OpenJDK reads its CA keystore from ``/etc/ssl/certs/java/cacerts`` (``lib/security/cacerts`` links there) and
its time zones from its own ``lib/tzdb.dat``, as Temurin does.

``maven:3-eclipse-temurin-25`` (the build image of the java-jlink strategy) is the same recipe on Debian 13's
``openjdk-25-jdk-headless`` (25.0.x), whose ``jmods/`` (java.base.jmod, ...) are in that package, so ``jdeps`` and
``jlink`` work as in Temurin's JDK; ``binutils`` is added as adoptium/containers 25/jdk adds it (``jlink
--strip-debug`` runs objcopy).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable

from lab import roots as R
from lab.imageparts import DEFAULT_PATH, ImageBuildError, apt_install, merged_usr

JAVA_HOME = "/opt/java/openjdk"


def jvm(version: int) -> str:
    """Where Debian's OpenJDK ``version`` lives (relative to the root)."""
    return f"usr/lib/jvm/java-{version}-openjdk-amd64"


JVM = jvm(21)
# Maven plugins and what they load, from Debian (lib*-java fill /usr/share/maven-repo)
MAVEN_PLUGINS = ["libmaven-compiler-plugin-java", "libmaven-jar-plugin-java", "libmaven-resources-plugin-java",
                 "libsurefire-java", "libmaven-install-plugin-java"]
MAVEN_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<!-- minimage lab: no Maven repository is reachable here. Every repository is mirrored by Debian's packaged
     repository (/usr/share/maven-repo, filled by the lib*-java packages), read through file://. -->
<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
  <mirrors>
    <mirror>
      <id>debian-maven-repo</id>
      <name>Debian's packaged Maven repository</name>
      <mirrorOf>*</mirrorOf>
      <url>file:///usr/share/maven-repo</url>
    </mirror>
  </mirrors>
</settings>
"""
LOCALE_ENV = {"LANG": "en_US.UTF-8", "LANGUAGE": "en_US:en", "LC_ALL": "en_US.UTF-8"}


def temurin_env(version: int) -> dict:
    return {"JAVA_HOME": JAVA_HOME, "PATH": f"{JAVA_HOME}/bin:" + DEFAULT_PATH, **LOCALE_ENV,
            "JAVA_VERSION": f"jdk-{version}"}


TEMURIN_ENV = temurin_env(21)
# adoptium/containers 21/*/ubuntu/*/Dockerfile: apt-get install curl wget fontconfig ca-certificates p11-kit tzdata
# locales, then en_US.UTF-8 generated
TEMURIN_PKGS = ["curl", "wget", "fontconfig", "ca-certificates", "p11-kit", "tzdata", "locales"]
JAVA_DIFFS = (
    "Java is Debian 13's OpenJDK 21 (openjdk-21-*-headless, vendor Debian), not an Eclipse Temurin 21 build from "
    "Adoptium: the same OpenJDK 21 update line, built by Debian",
    "the CA keystore is Debian's (ca-certificates-java, PKCS12, from Debian's ca-certificates), where Temurin ships "
    "its own lib/security/cacerts",
)


def _man_dirs(root: Path) -> None:
    """The JDK's postinst registers man pages with update-alternatives; debian:*-slim has no /usr/share/man/man1
    (dpkg excludes it), as the official images' Dockerfiles work around with mkdir -p."""
    (root / "usr/share/man/man1").mkdir(parents=True, exist_ok=True)


def _temurin_layout(root: Path, version: int = 21) -> None:
    """JAVA_HOME at /opt/java/openjdk, en_US.UTF-8 generated, and the images' entrypoint script."""
    if not (root / jvm(version) / "bin/java").exists():
        raise ImageBuildError(f"OpenJDK {version} installed no /{jvm(version)}/bin/java")
    (root / "opt/java").mkdir(parents=True, exist_ok=True)
    os.symlink(f"/{jvm(version)}", root / JAVA_HOME.lstrip("/"))
    with open(root / "etc/locale.gen", "a") as f:
        f.write("en_US.UTF-8 UTF-8\n")
    env = {"PATH": DEFAULT_PATH, "LC_ALL": "C"}
    res = subprocess.run(["chroot", str(root), "locale-gen", "en_US.UTF-8"], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise ImageBuildError(f"locale-gen en_US.UTF-8 failed: {(res.stdout + res.stderr)[-600:]}")
    # adoptium/containers' entrypoint.sh adds certificates to the JRE keystore when USE_SYSTEM_CA_CERTS is set;
    # Debian's JRE already reads the system keystore, so only the exec of the command is left
    R._write(root, "__cacert_entrypoint.sh", "#!/usr/bin/env bash\n# minimage lab: Debian's JRE uses the system CA "
             "keystore (/etc/ssl/certs/java/cacerts) already\nset -e\n"
             "export JRE_CACERTS_PATH=\"$JAVA_HOME/lib/security/cacerts\"\nexec \"$@\"\n", 0o755)


def _with_man_dirs(build: Callable[[Path, dict], None]) -> Callable[[Path, dict], None]:
    def run(root: Path, versions: dict) -> None:
        _man_dirs(root)
        build(root, versions)
    return run


def _maven_after(root: Path, version: int = 21) -> None:
    _temurin_layout(root, version)
    (root / "__cacert_entrypoint.sh").unlink()
    if not (root / "usr/share/maven-repo/org/apache/maven/plugins").is_dir():
        raise ImageBuildError("no Maven plugins in /usr/share/maven-repo")
    settings = root / "etc/maven/settings.xml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(MAVEN_SETTINGS)
    R._write(root, "usr/local/bin/mvn-entrypoint.sh", "#!/bin/sh\n# minimage lab: Maven's global settings already "
             "point at the image's repository; nothing to copy into MAVEN_CONFIG\nset -e\nexec \"$@\"\n", 0o755)
    (root / "usr/share/maven/ref").mkdir(parents=True, exist_ok=True)


maven_build = _with_man_dirs(apt_install(
    ["openjdk-21-jdk-headless", "maven", *MAVEN_PLUGINS, *TEMURIN_PKGS, "git"], after=_maven_after,
    record=["openjdk-21-jdk-headless", "maven", *MAVEN_PLUGINS]))


def _jlink_ready(root: Path) -> None:
    """What java-jlink's build stage runs must be there: jdeps, jlink, java.base.jmod and objcopy."""
    _maven_after(root, 25)
    home = root / jvm(25)
    missing = [p for p in ("bin/jdeps", "bin/jlink", "jmods/java.base.jmod") if not (home / p).exists()]
    if missing or not (root / "usr/bin/objcopy").exists():
        raise ImageBuildError(f"OpenJDK 25 lacks what jlink needs: {', '.join(missing) or '/usr/bin/objcopy'}")


# adoptium/containers 25/jdk/ubuntu/*/Dockerfile adds binutils to the JRE's packages (jlink --strip-debug)
maven25_build = _with_man_dirs(apt_install(
    ["openjdk-25-jdk-headless", "maven", *MAVEN_PLUGINS, *TEMURIN_PKGS, "binutils", "git"], after=_jlink_ready,
    record=["openjdk-25-jdk-headless", "maven", "binutils", *MAVEN_PLUGINS]))
def jre_build_for(version: int) -> Callable[[Path, dict], None]:
    """eclipse-temurin:VERSION-jre: Debian's JRE on debian:trixie-slim, at /opt/java/openjdk."""
    jre = f"openjdk-{version}-jre-headless"
    return _with_man_dirs(apt_install(
        [jre, "ca-certificates-java", *TEMURIN_PKGS], after=lambda root: _temurin_layout(root, version),
        record=[jre, "ca-certificates-java", "ca-certificates"]))


jre_build = jre_build_for(21)


def distroless_java(jre_root: Callable[[], Path], version: int = 21) -> Callable[[Path, dict], None]:
    """distroless javaVERSION on a copy of java_base: the JRE unpacked, /usr/bin/java, the Java CA keystore."""
    def build(root: Path, versions: dict) -> None:
        with R.use_release("trixie"):
            R.extract(f"openjdk-{version}-jre-headless", root, versions)
        merged_usr(root)
        java = root / "usr/bin/java"
        java.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(f"/{jvm(version)}/bin/java", java)
        store = jre_root() / "etc/ssl/certs/java/cacerts"
        if not store.is_file():
            raise ImageBuildError(f"the eclipse-temurin:{version}-jre root has no /etc/ssl/certs/java/cacerts")
        (root / "etc/ssl/certs/java").mkdir(parents=True, exist_ok=True)
        shutil.copy2(store, root / "etc/ssl/certs/java/cacerts")
        versions["/etc/ssl/certs/java/cacerts"] = f"ca-certificates-java's keystore, from eclipse-temurin:{version}-jre"
    return build


MAVEN_RECIPE = (
    "carlossg/docker-maven eclipse-temurin-21/Dockerfile (FROM eclipse-temurin:21-jdk; ca-certificates curl git; "
    "Maven in /usr/share/maven, /usr/bin/mvn; ENV MAVEN_HOME MAVEN_CONFIG=/root/.m2; ENTRYPOINT "
    "[\"/usr/local/bin/mvn-entrypoint.sh\"]; CMD [\"mvn\"]) on adoptium/containers 21/jdk/ubuntu/*/Dockerfile "
    "(JAVA_HOME=/opt/java/openjdk, PATH, LANG/LANGUAGE/LC_ALL en_US.UTF-8)")
MAVEN_DIFFS = JAVA_DIFFS + (
    "built on debian:trixie-slim, not Ubuntu (eclipse-temurin:21-jdk); /opt/java/openjdk links to Debian's JDK",
    "Maven is Debian 13's maven 3.9 package (its /usr/share/maven), not the Apache binary distribution",
    "/etc/maven/settings.xml mirrors every repository to Debian's /usr/share/maven-repo (the Maven plugins Debian "
    "packages, libmaven-*-plugin-java, libsurefire-java): no Maven repository is reachable here; a project that "
    "pins plugin versions or needs dependencies Debian does not package cannot be built",
    "mvn-entrypoint.sh only runs the command (the real one copies /usr/share/maven/ref into MAVEN_CONFIG)",
    "JAVA_VERSION is 'jdk-21', not Temurin's exact release",
    "no binutils: adoptium/containers' JDK images add it for jlink --strip-debug (objcopy); no Java 21 plan runs jlink")
JRE_RECIPE = (
    "adoptium/containers 21/jre/ubuntu/resolute/Dockerfile (FROM ubuntu:26.04; curl wget fontconfig ca-certificates "
    "p11-kit tzdata locales, en_US.UTF-8; Temurin JRE in /opt/java/openjdk; ENV JAVA_HOME PATH LANG LANGUAGE LC_ALL "
    "JAVA_VERSION; ENTRYPOINT [\"/__cacert_entrypoint.sh\"]) and its entrypoint.sh")
JRE_DIFFS = JAVA_DIFFS + (
    "built on debian:trixie-slim (glibc 2.41), not Ubuntu 26.04 (glibc 2.43): no Ubuntu archive is reachable here",
    "/opt/java/openjdk links to Debian's JRE (/usr/lib/jvm/java-21-openjdk-amd64); no CDS archive is dumped",
    "/__cacert_entrypoint.sh (bash, as upstream's) only exports JRE_CACERTS_PATH and runs the command: "
    "USE_SYSTEM_CA_CERTS is not needed, Debian's JRE reads the system keystore",
    "JAVA_VERSION is 'jdk-21', not Temurin's exact release")
DISTROLESS_RECIPE = (
    "GoogleContainerTools/distroless java/java.bzl (java_temurin_image_from_adoptium_debs: java_base + the "
    "temurin-21-jre deb, /usr/bin/java -> the JRE's bin/java, /etc/ssl/certs/adoptium/cacerts -> "
    "/etc/ssl/certs/java/cacerts; ENTRYPOINT [\"/usr/bin/java\", \"-jar\"]; ENV JAVA_VERSION; java_base adds "
    "LANG=C.UTF-8 and the java_cacerts keystore) and java/testdata/java21_debian13.yaml")
DISTROLESS_DIFFS = (
    "Java is Debian 13's openjdk-21-jre-headless unpacked at /usr/lib/jvm/java-21-openjdk-amd64 (the layout of "
    "distroless's java_openjdk_image), not Adoptium's temurin-21-jre deb at /usr/lib/jvm/temurin-21-jre-amd64",
    "the Java CA keystore is Debian's ca-certificates-java output from the same CA bundle, not distroless's "
    "java_cacerts rule's", "no C.utf8 locale files (distroless adds libc-bin's); JAVA_VERSION is '21'")
MAVEN25_RECIPE = (
    "carlossg/docker-maven eclipse-temurin-25/Dockerfile (FROM eclipse-temurin:25-jdk; ca-certificates curl git; "
    "Maven in /usr/share/maven, /usr/bin/mvn; ENV MAVEN_HOME MAVEN_CONFIG=/root/.m2; ENTRYPOINT "
    "[\"/usr/local/bin/mvn-entrypoint.sh\"]; CMD [\"mvn\"]) on adoptium/containers 25/jdk/ubuntu/noble/Dockerfile "
    "(fontconfig ca-certificates p11-kit binutils tzdata locales; JAVA_HOME=/opt/java/openjdk, PATH, "
    "LANG/LANGUAGE/LC_ALL en_US.UTF-8)")
MAVEN25_DIFFS = (
    "Java is Debian 13's OpenJDK 25 (openjdk-25-jdk-headless, vendor Debian, jmods included), not an Eclipse Temurin "
    "25 build from Adoptium: the same OpenJDK 25 update line, built by Debian",
    "the CA keystore is Debian's (ca-certificates-java, PKCS12, from Debian's ca-certificates), where Temurin ships "
    "its own lib/security/cacerts (a runtime made by jlink carries java.base.jmod's own cacerts in either case)",
    "built on debian:trixie-slim, not Ubuntu (eclipse-temurin:25-jdk); /opt/java/openjdk links to Debian's JDK",
    "Debian's maven package depends on default-jre-headless, so Debian 13's openjdk-21-jre-headless is installed "
    "too; JAVA_HOME and PATH select JDK 25, which mvn, jdeps and jlink run from",
    "jlink links Debian's jmods: the runtime it makes is Debian's build (it needs glibc 2.38 or newer and the "
    "system zlib, libz.so.1), where Temurin's is built to run on older glibc",
) + MAVEN_DIFFS[3:6] + ("JAVA_VERSION is 'jdk-25', not Temurin's exact release",)


def for_java25(text: str) -> str:
    """A Java 21 recipe's citation or difference, said of the same recipe for Java 25."""
    for old, new in (("OpenJDK 21", "OpenJDK 25"), ("openjdk-21", "openjdk-25"), ("Temurin 21", "Temurin 25"),
                     ("jdk-21", "jdk-25"), ("java-21-openjdk", "java-25-openjdk"), ("temurin-21-jre", "temurin-25-jre"),
                     ("21/jre", "25/jre"), ("java21_debian13", "java25_debian13"), ("'21'", "'25'")):
        text = text.replace(old, new)
    return text
