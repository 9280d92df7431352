"""Rejections the catalogue's own images never produce, shown with a user's image layered on top (killed mutants
of kb/checks.py that no shipped image reached: see tests/mutation-survivors.md)."""
import kb

ANCIENT = """
images:
  - ref: registry.example.com/base/glibc-ancient:1
    title: an in-house glibc base older than every Debian release
    libc: glibc
    libc_version: "2.10"
    release: ubuntu20.04
    loader: /lib64/ld-linux-x86-64.so.2
    libs: [libc.so.6, libm.so.6]
    shell: none
    package_manager: none
    ca_certificates: true
    tzdata: "yes"
    passwd: true
    nonroot_user: app
    size_mb: 0.1
    size_source: measured by us
    sources: [our registry]
"""

C_DYNAMIC = {"language": "c", "static_ok": "no", "native_deps": "no", "tls": "no", "timezones": "no",
             "named_user": "no", "needs_shell": "no"}


def test_an_image_older_than_every_debian_release_is_rejected_for_a_build_on_debian(tmp_path):
    """No Debian builder links against a glibc that old: the smallest image is rejected by MI151, saying so, and
    the plans go on without it."""
    rules = tmp_path / "ancient.yaml"
    rules.write_text(ANCIENT)
    result = kb.load(rules).consult(C_DYNAMIC)
    mine = [(r.rule_id, r.strategy, r.reason) for r in result.rejected
            if r.image == "registry.example.com/base/glibc-ancient:1"]
    assert ("MI151", "c-dynamic-glibc", "its glibc 2.10 is older than every Debian release's") in mine
    assert result.plans and "glibc-ancient" not in " ".join(p.final_image for p in result.plans)


def test_a_runtime_mismatch_says_which_runtime_the_image_has(rb):
    """MI153's reason names what the image offers instead: another runtime, or none at all."""
    result = rb.consult({"language": "python", "python_version": "3.14", "native_deps": "no", "named_user": "no",
                         "needs_shell": "no", "timezones": "no"})
    reasons = {(r.rule_id, r.image, r.strategy): r.reason for r in result.rejected}
    assert reasons[("MI153", "scratch", "python314-official-glibc")] == \
        "needs the python3.14 runtime; it has no language runtime"
    assert reasons[("MI153", "node:22-slim", "python314-official-glibc")] == \
        "needs the python3.14 runtime; it has node22"
    assert reasons[("MI153", "python:3.13-slim", "python314-official-glibc")] == \
        "needs the python3.14 runtime; it has python3.13"


def test_a_dynamic_program_runs_only_on_an_image_with_its_own_c_library(rb):
    """MI150: glibc and musl builds each need their own loader; the reason says what the image has instead."""
    result = rb.consult({"language": "c", "static_ok": "no", "native_deps": "no", "tls": "no", "timezones": "no",
                         "named_user": "no", "needs_shell": "no"})
    wanted = {"c-dynamic-glibc": "glibc", "c-dynamic-musl": "musl"}
    assert {p.strategy for p in result.plans} == set(wanted)
    for plan in result.plans:
        assert rb.knowledge.image(plan.final_image).libc == wanted[plan.strategy], (plan.strategy, plan.final_image)
    reasons = {(r.image, r.strategy): r.reason for r in result.rejected if r.rule_id == "MI150"}
    assert reasons[("scratch", "c-dynamic-musl")] == \
        "a musl program needs the musl loader; the image has no C library at all"
    assert reasons[("debian:trixie-slim", "c-dynamic-musl")] == \
        "a musl program needs the musl loader; the image has glibc, not musl"
    assert reasons[("scratch", "c-dynamic-glibc")] == \
        "a glibc program needs the glibc loader; the image has no C library at all"


def test_missing_libraries_and_a_missing_shell_are_named(rb):
    """MI152 names the libraries an image lacks when it cannot add them; MI157 the shell no change can supply."""
    cpp = rb.consult({"language": "cpp", "static_ok": "no", "native_deps": "no", "tls": "no", "timezones": "no",
                      "named_user": "no", "needs_shell": "no"})
    libs = {(r.rule_id, r.image, r.strategy): r.reason for r in cpp.rejected}
    assert libs[("MI152", "busybox:glibc", "cpp-dynamic-glibc")] == \
        "lacks libgcc_s.so.1, libstdc++.so.6, and has no package manager to add them"
    go = rb.consult({"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes", "timezones": "yes",
                     "named_user": "yes", "needs_shell": "yes"})
    shell = {(r.rule_id, r.image, r.strategy): r.reason for r in go.rejected}
    assert shell[("MI157", "scratch", "go-static")] == "needs a shell; the image has none"
    assert "scratch" not in {p.final_image for p in go.plans}
    assert all(p.provides["shell"] != "none" for p in go.plans) and go.plans


def test_the_glibc_version_is_cited_only_for_a_program_that_links_glibc(rb):
    """MI151 justifies a dynamic glibc build with the versions it compared; a static program on a glibc image
    compares none, so the plan does not cite it."""
    c = rb.consult({"language": "c", "static_ok": "no", "native_deps": "no", "tls": "no", "timezones": "no",
                    "named_user": "no", "needs_shell": "no"})
    cited = [j.conclusion for j in c.best.justification if j.rule_id == "MI151"]
    assert cited == ["its glibc 2.41 is at least the 2.41 the builder (buildpack-deps:trixie) links"]
    go = rb.consult({"language": "go", "cgo": "no", "go_net": "no", "tls": "no", "timezones": "no",
                     "named_user": "no", "needs_shell": "yes"})
    on_glibc = [p for p in go.plans if rb.knowledge.image(p.final_image).libc == "glibc"]
    assert on_glibc and all(p.strategy == "go-static" for p in on_glibc)
    assert not [p.final_image for p in on_glibc if any(j.rule_id == "MI151" for j in p.justification)]
