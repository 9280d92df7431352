"""Planner outputs found untested by mutation testing (issue 15): the Debian release a builder is pinned to, and
which tradeoffs a plan lists."""


def test_a_glibc_image_of_another_distribution_builds_on_the_newest_debian_its_glibc_runs(rb):
    """A `{debian}` builder is pinned to the final image's Debian release, or for another glibc distribution to the
    newest Debian release whose glibc is not newer than the image's, equal included (else the program would need
    a newer glibc than the image has); none when every release is newer."""
    planner, k = rb.planner, rb.knowledge
    wolfi = k.image("cgr.dev/chainguard/glibc-dynamic")  # glibc 2.44
    assert planner.pinned_release(wolfi) == "debian13"
    assert planner.pinned_release(wolfi._replace(libc_version="2.41")) == "debian13"  # trixie's own glibc
    assert planner.pinned_release(wolfi._replace(libc_version="2.40")) == "debian12"
    assert planner.pinned_release(wolfi._replace(libc_version="2.20")) is None
    c_glibc = k.strategies["c-dynamic-glibc"]
    assert c_glibc.build_image == "buildpack-deps:{debian}"
    assert planner.build_release(c_glibc, k.image("debian:bookworm-slim")) == "debian12"
    assert planner.build_release(c_glibc, k.image("debian:trixie-slim")) == "debian13"


def test_what_the_image_lacks_is_a_tradeoff_unless_the_plan_adds_it(rb):
    go = {"language": "go", "cgo": "no", "go_net": "no", "needs_shell": "no", "platform": "amd64", "healthcheck": "no"}
    bare = {"tls": "no", "timezones": "no", "named_user": "no"}
    lacks = ("no shell: no docker exec sh, no RUN steps on top, exec-form CMD only",
             "no package manager: nothing can be installed into it later")
    [plain] = [p for p in rb.consult({**go, **bare}).plans if p.final_image == "scratch"]
    assert plain.tradeoffs == lacks + ("no CA certificates: outgoing TLS would fail", "no time zone data: UTC only",
                                       "no /etc/passwd: use a numeric USER")
    for fact in bare:  # each need makes the plan add what scratch lacks: no longer a tradeoff of the plan
        [added] = [p for p in rb.consult({**go, **bare, fact: "yes"}).plans if p.final_image == "scratch"]
        gone = {"tls": "no CA certificates", "timezones": "no time zone data", "named_user": "no /etc/passwd"}[fact]
        assert [t for t in plain.tradeoffs if not t.startswith(gone)] == list(added.tradeoffs), fact
