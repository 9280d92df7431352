"""The 2020 article's claims A1-A17 (shared/article-claims.md), each as the article's scenario run through the real
engine, checked against the article's answer, or today's where article-claims.md notes a correction."""
import pytest

BARE = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no", "native_deps": "no"}
GO_HELLO = {"language": "go", "cgo": "no", "go_net": "no", **BARE}
GO_NET = {**GO_HELLO, "go_net": "yes"}
C_DYNAMIC = {"language": "c", "static_ok": "no", **BARE}
C_STATIC = {**C_DYNAMIC, "static_ok": "yes"}


def plans_on(result, image):
    return [p for p in result.plans if p.final_image == image]


def rejection(result, image, strategy=None):
    found = [r for r in result.rejected if r.image == image and (strategy is None or r.strategy == strategy)]
    assert found, f"{image} was not rejected"
    return found[0]


def test_a1_scratch_has_no_shell_so_the_command_is_exec_form(consult):
    result = consult(GO_HELLO)
    assert result.best.final_image == "scratch"
    assert result.best.dockerfile.rstrip().endswith('CMD ["/app"]')
    assert any(j.fact.id == "cmd_form=exec" and j.rule_id == "MI109" for j in result.facts)
    with_shell = consult({**GO_HELLO, "needs_shell": "yes"})
    assert rejection(with_shell, "scratch").rule_id == "MI157"


def test_a2_go_hello_world_runs_in_scratch_under_3_mb(consult):
    result = consult(GO_HELLO)
    assert result.best.final_image == "scratch" and result.best.size_mb < 3
    assert any(j.fact.id == "go_default_build=static" and j.rule_id == "MI105" for j in result.facts)


def test_a3_a_program_with_dynamic_libraries_fails_in_scratch(consult):
    result = consult({"language": "go", "cgo": "yes", "static_ok": "no", "go_net": "no", **BARE})
    assert rejection(result, "scratch", "go-cgo-dynamic-glibc").rule_id == "MI150"


def test_a4_dynamic_c_hello_fails_in_scratch_for_lack_of_the_loader(consult):
    r = rejection(consult(C_DYNAMIC), "scratch", "c-dynamic-glibc")
    assert r.rule_id == "MI150" and "loader" in r.reason


def test_a5_busybox_today_is_glibc_but_its_static_variants_have_no_libc(rb, consult):
    result = consult(C_DYNAMIC)
    for variant in ("busybox:musl", "busybox:uclibc"):  # what busybox:latest was in 2020
        assert rejection(result, variant, "c-dynamic-glibc").rule_id == "MI150"
    latest = rb.knowledge.image("busybox:latest")  # corrected: the glibc variant since December 2022
    assert latest.ref == "busybox:glibc" and latest.libc == "glibc"
    assert plans_on(result, "busybox:glibc")


def test_a6_alpine_has_musl_so_a_glibc_program_fails(consult):
    assert rejection(consult(C_DYNAMIC), "alpine:3.24", "c-dynamic-glibc").rule_id == "MI150"


def test_a7_go_net_with_cgo_on_by_default_links_glibc(consult):
    result = consult(GO_NET)
    assert any(j.fact.id == "go_default_build=dynamic-glibc" and j.rule_id == "MI106" for j in result.facts)
    best = result.best
    assert best.final_image == "scratch" and "ENV CGO_ENABLED=0" in best.dockerfile
    assert any("CGO_ENABLED=0" in c for c in best.caveats)


def test_a8_gcc_static_fixes_c_in_scratch(consult):
    result = consult(C_STATIC)
    assert result.best.final_image == "scratch"
    glibc_static = [p for p in plans_on(result, "scratch") if p.strategy == "c-static-glibc"]
    assert glibc_static and "gcc -O2 -static" in glibc_static[0].dockerfile


def test_a9_cgo_enabled_0_fixes_go(consult):
    best = consult(GO_NET).best
    assert best.strategy == "go-static"
    assert any(s.instruction == "ENV CGO_ENABLED=0" and "A9" in s.why for s in best.changes)


def test_a10_busybox_glibc_has_glibc_but_not_libstdcxx(consult):
    assert plans_on(consult(C_DYNAMIC), "busybox:glibc")
    cpp = consult({**C_DYNAMIC, "language": "cpp"})
    r = rejection(cpp, "busybox:glibc", "cpp-dynamic-glibc")
    assert r.rule_id == "MI152" and "libstdc++.so.6" in r.reason


def test_a11_scratch_busybox_alpine_lack_glibc_but_run_static_builds(consult):
    dynamic, static = consult(C_DYNAMIC), consult(C_STATIC)
    for image in ("scratch", "busybox:musl", "alpine:3.24"):
        assert rejection(dynamic, image, "c-dynamic-glibc").rule_id == "MI150"
        assert any(p.strategy.startswith("c-static") for p in plans_on(static, image))


def test_a12_busybox_glibc_for_dynamic_programs_small_with_debug_tools(consult):
    best = consult({**C_DYNAMIC, "needs_shell": "yes"}).best
    assert best.final_image == "busybox:glibc" and best.provides["shell"] == "busybox"


def test_a13_alpine_is_small_with_apk_and_musl(consult):
    plan = plans_on(consult(C_DYNAMIC), "alpine:3.24")[0]
    assert plan.provides["package_manager"] == "apk" and plan.provides["libc"].startswith("musl")
    assert plan.size_mb < 5


def test_a14_to_run_on_alpine_build_against_musl_on_alpine(consult):
    plan = plans_on(consult(C_DYNAMIC), "alpine:3.24")[0]
    assert plan.strategy == "c-dynamic-musl" and plan.build_image.startswith("alpine:")


def test_a15_golang_alpine_builds_against_musl(consult):
    result = consult({"language": "go", "cgo": "yes", "static_ok": "no", "go_net": "no", **BARE})
    plan = [p for p in plans_on(result, "alpine:3.24") if p.strategy == "go-cgo-dynamic-musl"][0]
    assert plan.build_image == "golang:1-alpine"


def test_a16_alpine_needs_build_base_not_just_gcc(consult):
    plan = plans_on(consult(C_DYNAMIC), "alpine:3.24")[0]
    step = [s for s in plan.changes if "build-base" in s.instruction][0]
    assert step.instruction == "RUN apk add --no-cache build-base" and "musl-dev" in step.why


@pytest.mark.parametrize("native,musl,best", [
    ("yes", "no", "python:3.15-slim"),  # the article's answer: slim, glibc (today's Python, 3.15)
    ("no", None, "python:3.15-alpine"),  # corrected: pure Python is fine on alpine
    ("yes", "yes", "python:3.15-alpine"),  # corrected: musllinux wheels (PEP 656)
])
def test_a17_interpreters_belong_on_slim_unless_packages_run_on_musl(consult, native, musl, best):
    answers = {"language": "python", "native_deps": native, "timezones": "no", "named_user": "no",
               "needs_shell": "yes"}
    if musl:
        answers["musl_builds"] = musl
    assert consult(answers).best.final_image == best


def test_a17_node_addons_without_musl_builds_stay_on_glibc(consult):
    result = consult({"language": "node", "node_version": "24", "native_deps": "yes", "musl_builds": "no",
                      "named_user": "no", "needs_shell": "yes"})
    assert result.best.final_image == "node:24-trixie-slim"  # the current Debian release first at about the same size
    assert rejection(result, "node:24-alpine", "node24-glibc").rule_id == "MI150"
    assert not plans_on(result, "node:24-alpine")
