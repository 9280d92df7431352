"""What the MI152 and MI154-MI157 checks (kb/checks.py: the `libs` check and the need checks) tell a user: the line
each plan's `why` shows for them, the reason an image is rejected, and what they add to the Dockerfile. Written for
issue 15's mutation testing (tests/mutation-survivors.md): these checks were the part of kb/checks.py not yet run."""
import kb

BARE = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}
C_DYNAMIC = {"language": "c", "static_ok": "no", **BARE}
# a Go service that needs everything an image can lack
GO_NEEDS_ALL = {"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes", "timezones": "yes", "named_user": "yes",
                "needs_shell": "yes"}
NEED_RULES = ("MI154", "MI155", "MI156", "MI157")


def plan(result, image, strategy=None):
    [found] = [p for p in result.plans if p.final_image == image and strategy in (None, p.strategy)]
    return found


def why(p, *rule_ids):
    """The plan's `why` lines of these rules, as {rule id: what it verified}."""
    lines = [(j.rule_id, j.conclusion) for j in p.justification if j.rule_id in rule_ids]
    assert len(lines) == len(dict(lines)), lines
    return dict(lines)


def rejections(result, rule_id):
    return {(r.image, r.strategy): r.reason for r in result.rejected if r.rule_id == rule_id}


def test_each_need_is_verified_by_what_the_image_has_or_by_the_change_that_supplies_it(rb):
    result = rb.consult(GO_NEEDS_ALL)
    assert why(plan(result, "busybox:musl"), *NEED_RULES) == {
        "MI154": "busybox:musl gets a CA bundle from the change 'copy the CA bundle from the build stage'",
        "MI155": "busybox:musl gets time zone data from the change 'embed Go's time zone database'",
        "MI156": "busybox:musl has /etc/passwd with a non-root user",
        "MI157": "busybox:musl has a shell",
    }
    assert why(plan(result, "alpine:3.24"), *NEED_RULES) == {
        "MI154": "alpine:3.24 has a CA bundle",
        "MI155": "alpine:3.24 gets time zone data from the change 'embed Go's time zone database'",
        "MI156": "alpine:3.24 has /etc/passwd with a non-root user",
        "MI157": "alpine:3.24 has a shell",
    }
    # the change that supplies a need is in the plan (and its Dockerfile) only where the image lacks that need
    ca_copy = "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"
    assert ca_copy in plan(result, "busybox:musl").dockerfile
    assert ca_copy not in plan(result, "alpine:3.24").dockerfile


def test_a_need_no_change_can_supply_rejects_the_image_with_the_need_named(rb):
    result = rb.consult(GO_NEEDS_ALL)
    shell = rejections(result, "MI157")
    assert shell[("scratch", "go-static")] == "needs a shell; the image has none"
    assert shell[("gcr.io/distroless/static-debian13", "go-static")] == "needs a shell; the image has none"
    assert "scratch" not in {p.final_image for p in result.plans}


def test_a_shell_outside_bin_sh_is_linked_there_and_said_so(rb):
    """distroless :debug images have busybox's shell at /busybox/sh only: the plan links it to /bin/sh."""
    result = rb.consult(GO_NEEDS_ALL)
    debug = plan(result, "gcr.io/distroless/static-debian13:debug")
    assert why(debug, *NEED_RULES) == {  # only the shell is linked; what the image has is said plainly
        "MI154": "gcr.io/distroless/static-debian13:debug has a CA bundle",
        "MI155": "gcr.io/distroless/static-debian13:debug has time zone data",
        "MI156": "gcr.io/distroless/static-debian13:debug has /etc/passwd with a non-root user",
        "MI157": "gcr.io/distroless/static-debian13:debug has a shell at /busybox/sh, linked to /bin/sh"}
    link = 'RUN ["/busybox/sh", "-c", "ln -s /busybox/sh /bin/sh"]'
    final_stage = debug.dockerfile.split("FROM gcr.io/distroless/static-debian13:debug\n")[1]
    assert final_stage.startswith(link + "\n") and debug.dockerfile.count("ln -s") == 1
    [change] = [c for c in debug.changes if c.instruction == link]
    assert (change.stage, change.why) == ("final", "the image's shell is /busybox/sh; /bin/sh makes shell-form RUN "
                                                   "and CMD, #!/bin/sh scripts and docker exec sh work")
    # an image whose shell is /bin/sh needs no link
    assert "ln -s" not in plan(result, "busybox:musl").dockerfile
    # no shell wanted: the :debug image gets no link either, and no MI157 line
    quiet = rb.consult({**GO_NEEDS_ALL, "needs_shell": "no"})
    unlinked = plan(quiet, "gcr.io/distroless/static-debian13:debug")
    assert "ln -s" not in unlinked.dockerfile and why(unlinked, "MI157") == {}


def test_needs_not_asked_for_are_neither_checked_nor_supplied(rb):
    result = rb.consult({"language": "go", "cgo": "no", "go_net": "no", **BARE})
    assert result.plans[0].final_image == "scratch"
    assert all(why(p, *NEED_RULES) == {} for p in result.plans) and len(result.plans) > 5
    assert not [r for r in result.rejected if r.rule_id in NEED_RULES]
    assert "COPY --from=build /etc/ssl" not in result.plans[0].dockerfile


def test_a_change_meant_for_other_strategies_does_not_supply_a_need(rb):
    """Go embeds its own time zone database; a C program on scratch gets the build stage's zoneinfo copied."""
    result = rb.consult({"language": "c", "static_ok": "yes", "native_deps": "no", **{**BARE, "timezones": "yes"}})
    for strategy in ("c-static-musl", "c-static-glibc"):
        on_scratch = plan(result, "scratch", strategy)
        assert why(on_scratch, "MI155") == {
            "MI155": "scratch gets time zone data from the change 'copy time zone data from the build stage'"}
        assert "COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo" in on_scratch.dockerfile


def test_the_libraries_an_image_ships_are_named_and_missing_ones_installed(rb):
    """MI152 lists what the image ships of what the program loads, then the package installs it adds; the plan's
    size grows by those packages."""
    plain = rb.consult({**C_DYNAMIC, "native_deps": "no"})
    assert why(plan(plain, "debian:bookworm-slim"), "MI152") == {"MI152": "ships libc.so.6"}
    assert why(plan(plain, "alpine:3.24"), "MI152") == {"MI152": "ships libc.musl-x86_64.so.1"}
    named = rb.consult({**C_DYNAMIC, "native_deps": "yes", "native_libs": "libssl,libpq"})
    bookworm = plan(named, "debian:bookworm-slim")
    assert why(bookworm, "MI152") == {"MI152": "ships libc.so.6; RUN apt-get update && apt-get install -y "
                                               "--no-install-recommends libssl3 libpq5 && rm -rf /var/lib/apt/lists/*"}
    trixie = plan(named, "debian:trixie-slim")
    assert why(trixie, "MI152") == {"MI152": "ships libc.so.6, libcrypto.so.3, libssl.so.3; RUN apt-get update && "
                                             "apt-get install -y --no-install-recommends libpq5 && rm -rf "
                                             "/var/lib/apt/lists/*"}
    assert (plain_size := plan(plain, "debian:bookworm-slim").size_mb) == 28.2
    assert bookworm.size_mb > plain_size and trixie.size_mb > plan(plain, "debian:trixie-slim").size_mb


def test_unnamed_native_libraries_need_a_package_manager(rb):
    """native_deps=yes without names: an image with a package manager gets a placeholder install step; one without
    is rejected, and the reason says the libraries are the user's own."""
    result = rb.consult({**C_DYNAMIC, "native_deps": "yes"})
    assert why(plan(result, "alpine:3.24"), "MI152") == {
        "MI152": "ships libc.musl-x86_64.so.1; # RUN apk add --no-cache YOUR-RUNTIME-PACKAGES   (e.g. libssl3 zlib)"}
    reasons = rejections(result, "MI152")
    assert reasons[("gcr.io/distroless/cc-debian13", "c-dynamic-glibc")] == \
        "lacks your own native libraries, and has no package manager to add them"
    assert reasons[("busybox:glibc", "c-dynamic-glibc")] == \
        "lacks your own native libraries, and has no package manager to add them"


def test_named_libraries_are_not_wanted_beside_a_static_binary(rb):
    """A static program has the libraries inside: no MI152 line on any image, and scratch still runs it."""
    result = rb.consult({"language": "c", "static_ok": "yes", "native_deps": "yes", "native_libs": "zlib", **BARE})
    static = [p for p in result.plans if p.strategy.startswith("c-static")]
    assert static and all(why(p, "MI152") == {} for p in static)
    assert plan(result, "scratch", "c-static-glibc")
    dynamic = plan(result, "gcr.io/distroless/base-debian13", "c-dynamic-glibc")
    assert why(dynamic, "MI152") == {"MI152": "ships libc.so.6, libz.so.1"}


def test_a_library_installed_where_none_is_shipped_is_the_whole_line(rb):
    """A Python program's own libraries are not C libraries of the image's: with libpq named, MI152's line on
    python:3.13-slim is the install alone."""
    result = rb.consult({"language": "python", "python_version": "3.13", "native_deps": "yes", "musl_builds": "no",
                         "native_libs": "libpq", **BARE})
    assert why(plan(result, "python:3.13-slim"), "MI152") == {
        "MI152": "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf "
                 "/var/lib/apt/lists/*"}


def test_a_runtime_program_with_native_modules_is_not_asked_for_native_libraries(rb):
    """Python's native modules come inside its virtualenv: distroless python (no package manager) still fits."""
    result = rb.consult({"language": "python", "python_version": "3.13", "native_deps": "yes", "musl_builds": "no",
                         **BARE})
    assert [p.final_image for p in result.plans][:1] == ["gcr.io/distroless/python3-debian13"]
    assert not [r for r in result.rejected if r.image == "gcr.io/distroless/python3-debian13"
                and r.rule_id == "MI152"]


def judged_libstdcxx(rb, glibcxx, images):
    evidence = [kb.Justification(kb.Fact(n, v), "evidence", note="test") for n, v in
                [("binary_libc", "glibc"), ("binary_needs", "libstdc++.so.6"), ("binary_glibcxx", glibcxx)]]
    session = rb.session(BARE)
    session.add_evidence(evidence)
    judged = session.judge(images)
    plans = {p.final_image: why(p, "MI152")["MI152"] for p in judged.plans if p.strategy == "prebuilt-binary"}
    return plans, rejections(judged, "MI152")


def test_libstdcxx_is_compared_by_version_and_the_newest_it_provides_is_enough(rb):
    plans, rejected = judged_libstdcxx(rb, "3.4.30", ["gcr.io/distroless/cc-debian12"])
    assert plans == {"gcr.io/distroless/cc-debian12": "ships libstdc++.so.6"} and rejected == {}  # 3.4.30 exactly
    plans, rejected = judged_libstdcxx(rb, "3.4.33", ["gcr.io/distroless/cc-debian12", "gcr.io/distroless/cc-debian13",
                                                      "gcr.io/distroless/base-debian13"])
    assert plans == {"gcr.io/distroless/cc-debian13": "ships libstdc++.so.6"}
    assert rejected == {
        ("gcr.io/distroless/cc-debian12", "prebuilt-binary"):
            "needs GLIBCXX_3.4.33, but its libstdc++ provides GLIBCXX_3.4.30 at most",
        # no libstdc++ at all: the library is missing, whatever version it would provide
        ("gcr.io/distroless/base-debian13", "prebuilt-binary"):
            "lacks libstdc++.so.6, and has no package manager to add them",
    }
    # newer than any release provides: still "lacks" where there is no libstdc++ to compare
    plans, rejected = judged_libstdcxx(rb, "3.4.34", ["gcr.io/distroless/cc-debian13",
                                                      "gcr.io/distroless/base-debian13"])
    assert plans == {} and rejected == {
        ("gcr.io/distroless/cc-debian13", "prebuilt-binary"):
            "needs GLIBCXX_3.4.34, but its libstdc++ provides GLIBCXX_3.4.33 at most",
        ("gcr.io/distroless/base-debian13", "prebuilt-binary"):
            "lacks libstdc++.so.6, and has no package manager to add them",
    }
