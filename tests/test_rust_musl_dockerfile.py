"""The Rust musl plan as a user reads it (issue 8): rust:*-alpine already has gcc and musl-dev; with native crates
the build gets what openssl-sys needs to link OpenSSL statically, before cargo builds."""
QUIET = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


def musl_dockerfile(rb, native_deps, **more):
    result = rb.consult({"language": "rust", "static_ok": "yes", "native_deps": native_deps, **more, **QUIET})
    plan = next(p for p in result.plans if p.strategy == "rust-static-musl")
    return plan.dockerfile


def test_the_musl_build_adds_no_packages_the_rust_alpine_image_has(rb):
    dockerfile = musl_dockerfile(rb, "no")
    assert "FROM rust:1-alpine AS build" in dockerfile
    assert "apk add" not in dockerfile and "OPENSSL_STATIC" not in dockerfile


def test_openssl_gets_its_headers_and_static_libraries_before_cargo_builds(rb):
    lines = musl_dockerfile(rb, "yes", native_libs="libssl").splitlines()
    headers = lines.index("RUN apk add --no-cache openssl-dev")
    static = lines.index("RUN apk add --no-cache openssl-libs-static pkgconf")
    env = lines.index("ENV OPENSSL_STATIC=1")
    cargo = next(i for i, line in enumerate(lines) if line.startswith("RUN cargo build"))
    assert lines.index("FROM rust:1-alpine AS build") < min(headers, static) and max(headers, static) < env < cargo


def test_native_crates_without_openssl_get_no_openssl_steps(rb):
    dockerfile = musl_dockerfile(rb, "yes", native_libs="libpq")
    assert "OPENSSL_STATIC" not in dockerfile and "openssl" not in dockerfile


def test_the_gnu_plans_of_the_same_consultation_get_no_alpine_steps(rb):
    result = rb.consult({"language": "rust", "static_ok": "yes", "native_deps": "yes", "native_libs": "libssl", **QUIET})
    gnu_builds = [p.dockerfile.split("\n\nFROM ")[0] for p in result.plans if p.strategy == "rust-dynamic-gnu"]
    assert gnu_builds and not any("apk add" in b or "OPENSSL_STATIC" in b for b in gnu_builds)
    assert all("apt-get install -y --no-install-recommends libssl-dev" in b for b in gnu_builds)
