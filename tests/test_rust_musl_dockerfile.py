"""The Rust musl plan as a user reads it (issue 8): rust:*-alpine already has gcc and musl-dev; with native crates
the build gets what openssl-sys needs to link OpenSSL statically, before cargo builds."""
QUIET = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


def musl_dockerfile(rb, native_deps):
    result = rb.consult({"language": "rust", "static_ok": "yes", "native_deps": native_deps, **QUIET})
    plan = next(p for p in result.plans if p.strategy == "rust-static-musl")
    return plan.dockerfile


def test_the_musl_build_adds_no_packages_the_rust_alpine_image_has(rb):
    dockerfile = musl_dockerfile(rb, "no")
    assert "FROM rust:1-alpine AS build" in dockerfile
    assert "apk add" not in dockerfile and "OPENSSL_STATIC" not in dockerfile


def test_native_crates_get_static_openssl_before_cargo_builds(rb):
    lines = musl_dockerfile(rb, "yes").splitlines()
    apk = lines.index("RUN apk add --no-cache openssl-dev openssl-libs-static pkgconf")
    env = lines.index("ENV OPENSSL_STATIC=1")
    cargo = next(i for i, line in enumerate(lines) if line.startswith("RUN cargo build"))
    assert lines[apk - 1] == "FROM rust:1-alpine AS build" and apk < env < cargo


def test_the_gnu_plans_of_the_same_consultation_get_no_alpine_steps(rb):
    result = rb.consult({"language": "rust", "static_ok": "yes", "native_deps": "yes", **QUIET})
    gnu = [p.dockerfile for p in result.plans if p.strategy == "rust-dynamic-gnu"]
    assert gnu and not any("apk add" in d or "OPENSSL_STATIC" in d for d in gnu)
