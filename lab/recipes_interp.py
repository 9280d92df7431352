"""What the faithful images of the interpreted languages need beyond their Debian packages (lab/images.py uses it).

No package index is assumed reachable when a generated Dockerfile is built, so the Python builder image carries the
packages the samples install in its own configuration, as the Go and Rust builders do (GOPROXY=off, cargo source
replacement): ``/etc/pip.conf`` points pip (the virtualenv's too, which reads the same file) at a wheelhouse in the
image and turns the index off. The generated Dockerfile's ``pip install -r requirements.txt`` is then built
unchanged. The wheelhouse holds:

* manylinux wheels of a native package (MarkupSafe: C speedups, a ``cp313`` ``manylinux_2_17`` wheel) and of the
  pure packages a build or a change needs (setuptools and wheel for building an sdist, tzdata for zoneinfo), fetched
  once with pip's own ``pip download`` for CPython 3.13 on x86_64 glibc;
* psycopg2 as a source distribution: Debian's source package of python3-psycopg2 (the upstream release tarball,
  ``psycopg2_<version>.orig.tar.gz``) under pip's sdist name. psycopg2 publishes no Linux wheel (only
  psycopg2-binary does, www.psycopg.org/docs/install.html), so pip compiles it: it needs gcc, libpq's headers and
  pg_config (libpq-dev) in the build stage and libpq5 in the final image, which is what minimage-ask plans
  (rule MI268, knowledge/releases.yaml libraries).

The Node builder images get the same treatment through npm's own configuration: the packages a sample installs are
put in the image's npm cache with the image's own npm (``npm cache add NAME@VERSION``, packument and tarball) and the
global npmrc sets ``offline=true``, so ``npm ci`` installs from the lockfile without a registry. The sample's native
addon is bufferutil, whose npm tarball carries Node-API prebuilds (``prebuilds/linux-x64/bufferutil.node``, linked
against glibc only) that node-gyp-build picks at install and at load time: the "glibc prebuilds load as they are"
case of rule MI241.

The official image keeps Python's headers (``/usr/local/include/python3.13``); Debian's are libpython3.13-dev's in
``/usr/include/python3.13`` (with the multiarch pyconfig.h), linked from there.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from lab import cache_dir
from lab import packages as P

WHEELHOUSE = "/usr/local/share/python-wheelhouse"  # inside the image
WHEELS = ("markupsafe", "setuptools", "wheel", "tzdata")
PIP_CONF = ("[global]\n# minimage lab: no package index is reachable here; packages come from the image's wheelhouse\n"
            f"no-index = true\nfind-links = {WHEELHOUSE}\n")


class WheelhouseError(RuntimeError):
    pass


def wheelhouse() -> Path:
    """The wheelhouse in the lab cache, made once: wheels by pip download, psycopg2's sdist from Debian."""
    d = cache_dir() / "wheelhouse-py313"
    if (d / "DONE").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    res = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                          "--python-version", "3.13", "--implementation", "cp", "--abi", "cp313",
                          "--platform", "manylinux2014_x86_64", "--platform", "any", "-d", str(d), *WHEELS],
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise WheelhouseError(f"pip download {' '.join(WHEELS)} failed: {(res.stdout + res.stderr)[-800:]}")
    _psycopg2_sdist(d)
    (d / "DONE").write_text("\n".join(sorted(p.name for p in d.iterdir() if p.name != "DONE")) + "\n")
    return d


def _psycopg2_sdist(into: Path) -> None:
    """Debian trixie's psycopg2 source tarball, named as pip finds an sdist (psycopg2-VERSION.tar.gz)."""
    out = subprocess.run(["apt-cache", *P.apt_options("trixie"), "show", "python3-psycopg2"],
                         capture_output=True, text=True).stdout
    version = next((line.split()[1] for line in out.splitlines() if line.startswith("Version:")), "")
    upstream = version.split(":")[-1].rsplit("-", 1)[0]
    if not upstream:
        raise WheelhouseError("python3-psycopg2 has no candidate in trixie (did the lab's apt update run?)")
    url = f"{P.apt_mirror()}/pool/main/p/psycopg2/psycopg2_{upstream}.orig.tar.gz"
    target = into / f"psycopg2-{upstream}.tar.gz"
    with tempfile.NamedTemporaryFile(dir=into, delete=False) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310 - the lab's own Debian mirror
                tmp.write(resp.read())
        except OSError as e:
            Path(tmp.name).unlink()
            raise WheelhouseError(f"could not fetch Debian's psycopg2 {upstream} source: {e}") from None
    Path(tmp.name).rename(target)


NPM_PACKAGES = ("bufferutil@4.1.0", "node-gyp-build@4.8.4")


def node_npm_cache(root: Path) -> None:
    """Fill the image's npm cache (root's, where `npm ci` in a build stage looks) and turn the registry off."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
    # the host's CA bundle, for a host whose network verifies with its own CAs; removed afterwards
    host_ca = root / "tmp/minimage-host-ca.crt"
    host_ca.write_bytes(Path("/etc/ssl/certs/ca-certificates.crt").read_bytes())
    try:
        res = subprocess.run(["chroot", str(root), "npm", "cache", "add", *NPM_PACKAGES], capture_output=True,
                             text=True, env={**env, "NODE_EXTRA_CA_CERTS": "/tmp/minimage-host-ca.crt"}, timeout=600)
    finally:
        host_ca.unlink()
    if res.returncode != 0:
        raise WheelhouseError(f"npm cache add {' '.join(NPM_PACKAGES)} failed: {(res.stdout + res.stderr)[-800:]}")
    where = subprocess.run(["chroot", str(root), "npm", "config", "get", "globalconfig"], capture_output=True,
                           text=True, env=env, timeout=120).stdout.strip() or "/etc/npmrc"
    npmrc = root / where.lstrip("/")
    npmrc.parent.mkdir(parents=True, exist_ok=True)
    with open(npmrc, "a") as f:
        f.write("# minimage lab: no registry is reachable here; packages come from the image's npm cache\n"
                "offline=true\n")


def python_slim_extras(root: Path) -> list[str]:
    """Headers where the official image has them, /etc/pip.conf and the wheelhouse; returns the wheelhouse's files."""
    include = root / "usr/local/include/python3.13"
    include.parent.mkdir(parents=True, exist_ok=True)
    if not include.exists() and (root / "usr/include/python3.13").is_dir():
        include.symlink_to("/usr/include/python3.13")
    src = wheelhouse()
    dst = root / WHEELHOUSE.lstrip("/")
    dst.mkdir(parents=True, exist_ok=True)
    files = sorted(p.name for p in src.iterdir() if p.name != "DONE")
    for name in files:
        (dst / name).write_bytes((src / name).read_bytes())
    (root / "etc/pip.conf").write_text(PIP_CONF)
    return files


def forget_unmet(root: Path, rounds: int = 12) -> list[str]:
    """After python3 is purged from a node image, the packages that depended on it (gyp, node-gyp, npm, ...) are
    dropped from dpkg's database, their files kept, until apt sees no unmet dependency: node and npm are then files
    dpkg does not manage, as in the real image (nodejs.org's tarball in /usr/local), and the image's apt installs
    packages again (`apt-get install libpq5` in a final stage). Returns the packages forgotten."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    forgotten: list[str] = []
    for _ in range(rounds):
        check = subprocess.run(["chroot", str(root), "apt-get", "check"], capture_output=True, text=True, env=env)
        if check.returncode == 0:
            return forgotten
        broken = sorted({line.split(":")[0].strip() for line in check.stdout.splitlines()
                         if " : Depends:" in line or " : PreDepends:" in line})
        if not broken:
            raise WheelhouseError(f"apt-get check fails with nothing to forget: {(check.stdout + check.stderr)[-500:]}")
        status = root / "var/lib/dpkg/status"
        stanzas = status.read_text().split("\n\n")
        keep = [st for st in stanzas if not any(st.startswith(f"Package: {b}\n") for b in broken)]
        status.write_text("\n\n".join(keep))
        for name in broken:
            for info in (root / "var/lib/dpkg/info").glob(f"{name}.*"):
                info.unlink()
            for info in (root / "var/lib/dpkg/info").glob(f"{name}:*.*"):
                info.unlink()
        forgotten += broken
    raise WheelhouseError(f"apt-get check still fails after forgetting {', '.join(forgotten)}")
