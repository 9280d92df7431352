"""lab.roots: the emulated images hold what their real recipes put in them."""

from __future__ import annotations

import json

from lab import roots as lab_roots

GNU = "x86_64-linux-gnu"


def test_every_root_has_a_manifest(built_roots):
    for name, root in built_roots.items():
        m = root.manifest
        assert m["name"] == name
        assert m["recipe_version"] == lab_roots.RECIPE_VERSION
        for key in ("emulates", "recipe", "faithfulness", "differences", "env", "package_versions"):
            assert key in m, (name, key)
        assert root.path.is_dir()


def test_scratch_is_empty(built_roots):
    assert list(built_roots["scratch"].path.iterdir()) == []


def test_busybox_static_roots(built_roots):
    for name in ("busybox-musl", "busybox-uclibc"):
        p = built_roots[name].path
        assert (p / "bin/busybox").is_file() and (p / "bin/sh").exists()
        assert "nobody:x:65534:65534" in (p / "etc/passwd").read_text()
        assert not (p / "lib").exists() and not (p / "lib64").exists()
        assert (p / "etc/localtime").is_file()


def test_busybox_glibc_library_set(built_roots):
    p = built_roots["busybox-glibc"].path
    assert (p / "lib64").is_symlink()
    libs = {f.name for f in (p / "lib").iterdir()}
    assert {"ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libresolv.so.2", "libpthread.so.0",
            "libnss_files.so.2", "libnss_dns.so.2", "libnss_compat.so.2"} <= libs
    assert not any(n.startswith(("libstdc++", "libgcc_s", "libssl", "libz")) for n in libs)
    assert (p / "bin/getconf").is_file() and (p / "etc/nsswitch.conf").is_file()


def test_alpine_has_musl_loader_and_no_tzdata(built_roots):
    p = built_roots["alpine"].path
    assert (p / "lib/ld-musl-x86_64.so.1").is_file()
    assert (p / "lib/libc.musl-x86_64.so.1").is_symlink()
    assert not (p / "lib64").exists()
    assert not (p / "usr/share/zoneinfo").exists()
    assert (p / "etc/ssl/certs/ca-certificates.crt").stat().st_size > 100_000
    assert (p / "bin/sh").is_symlink()


def test_distroless_layers(built_roots):
    static = built_roots["distroless-static"].path
    nossl = built_roots["distroless-base-nossl"].path
    base = built_roots["distroless-base"].path
    cc = built_roots["distroless-cc"].path
    for p in (static, nossl, base, cc):
        assert "nonroot:x:65532:65532" in (p / "etc/passwd").read_text()
        assert (p / "etc/ssl/certs/ca-certificates.crt").is_file()
        assert (p / "usr/share/zoneinfo/UTC").exists()
        assert not (p / "bin/sh").exists()
    assert not (static / f"lib/{GNU}/libc.so.6").exists()
    assert (nossl / f"lib/{GNU}/libc.so.6").exists() and (nossl / "lib64/ld-linux-x86-64.so.2").is_symlink()
    assert not list(nossl.glob(f"usr/lib/{GNU}/libssl.so.*"))
    assert (base / f"usr/lib/{GNU}/libssl.so.3").exists()
    assert not list(base.glob(f"*lib/{GNU}/libz.so.*"))  # debian12 base has no zlib (debian13 adds it)
    assert not (base / f"usr/lib/{GNU}/libstdc++.so.6").exists()
    assert (cc / f"usr/lib/{GNU}/libstdc++.so.6").exists()
    assert (cc / f"lib/{GNU}/libgcc_s.so.1").exists()
    env = built_roots["distroless-static"].env
    assert env["SSL_CERT_FILE"] == "/etc/ssl/certs/ca-certificates.crt"


def test_rebuild_is_idempotent(built_roots):
    root = built_roots["busybox-glibc"]
    stamp = root.manifest["built_at"]
    again = lab_roots.build("busybox-glibc")
    assert again.dir == root.dir
    assert json.loads((again.dir / "MANIFEST.json").read_text())["built_at"] == stamp
