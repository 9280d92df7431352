"""Named native libraries (question native_libs): headers in the build stage, runtime packages in the final image
under the names of that image's own release, or an image that already ships them (issue 12 item 4, issue 8)."""
import pytest

from kb.errors import InvalidAnswer

BARE = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}
C_NATIVE = {"language": "c", "static_ok": "no", "native_deps": "yes", **BARE}
# 3.13: the Python that distroless python3 ships, so its plans and rejections are in play
PY_NATIVE = {"language": "python", "python_version": "3.13", "native_deps": "yes", "musl_builds": "no", **BARE}


def _plan(result, image, strategy=None):
    return next(p for p in result.plans if p.final_image == image and strategy in (None, p.strategy))


def _dockerfile(plan):
    return plan.dockerfile


def test_several_libraries_are_one_answer_with_aliases_sorted_and_deduplicated(rb):
    assert rb.normalise("native_libs", "zlib, OpenSSL,libpq,openssl") == "libpq,libssl,zlib"
    assert rb.normalise("native_libs", "postgres") == "libpq"
    with pytest.raises(InvalidAnswer) as err:
        rb.normalise("native_libs", "libpq,libfoo")
    assert "libpq,libfoo" in str(err.value) and "libsqlite3" in str(err.value)


def test_package_names_follow_the_final_images_release(rb):
    """libssl3 on Debian 12, libssl3t64 on Debian 13 (which ships it already in trixie-slim's catalogue entry);
    libpq5 on both; the build stage gets libssl-dev and libpq-dev."""
    result = rb.consult({**C_NATIVE, "native_libs": "libssl,libpq"})
    bookworm = _dockerfile(_plan(result, "debian:bookworm-slim"))
    assert "FROM buildpack-deps:bookworm AS build\nRUN apt-get update && apt-get install -y " \
           "--no-install-recommends libssl-dev libpq-dev\n" in bookworm
    assert "apt-get install -y --no-install-recommends libssl3 libpq5 &&" in bookworm
    trixie = _dockerfile(_plan(result, "debian:trixie-slim"))
    assert "libssl3 " not in trixie and "--no-install-recommends libpq5 &&" in trixie
    # an image without libpq and without a package manager cannot be used, and says why
    reasons = {(r.image, r.rule_id): r.reason for r in result.rejected if r.strategy == "c-dynamic-glibc"}
    assert reasons[("gcr.io/distroless/cc-debian13", "MI152")] == \
        "lacks libpq.so.5, and has no package manager to add them"


def test_a_library_distroless_ships_needs_no_package_manager(rb):
    """distroless base-debian13 ships libssl3t64, zlib1g and libzstd1: named, they are no reason for a 30 MB
    Debian slim; unnamed (native_deps=yes alone), only an image with a package manager will do."""
    named = rb.consult({**C_NATIVE, "native_libs": "libssl,zlib,libzstd"})
    glibc = [p for p in named.plans if p.strategy == "c-dynamic-glibc"]
    assert glibc[0].final_image == "gcr.io/distroless/base-debian13"
    assert "apt-get" not in _dockerfile(glibc[0]).split("FROM gcr.io/distroless/base-debian13")[1]
    unnamed = rb.consult(C_NATIVE)
    assert unnamed.plans and all(p.final_image != "gcr.io/distroless/base-debian13" for p in unnamed.plans)
    assert "YOUR-RUNTIME-PACKAGES" in _dockerfile(_plan(unnamed, "debian:trixie-slim"))


def test_psycopg2_gets_a_compiler_and_libpq_headers_and_libpq5_at_run_time(rb):
    result = rb.consult({**PY_NATIVE, "native_libs": "libpq"})
    assert [p.final_image for p in result.plans] == ["python:3.13-slim"]
    text = _dockerfile(result.plans[0])
    build, final = text.split("\nFROM python:3.13-slim\n")
    lines = build.splitlines()
    after_from = lines[lines.index("FROM python:3.13-slim-trixie AS build") + 1]
    assert after_from == "RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev " \
                         "libpq-dev"  # before the virtualenv's pip install
    assert final.startswith("RUN apt-get update && apt-get install -y --no-install-recommends libpq5 &&")
    assert "--only-binary" not in text
    rejected = {r.image: (r.rule_id, r.reason) for r in result.rejected if r.strategy == "python-distroless"}
    assert rejected["gcr.io/distroless/python3-debian13"] == (
        "MI152", "lacks libpq.so.5, and has no package manager to add them")
    assert "MI270" in {r.rule_id for r in result.plans[0].justification}


def test_python_with_only_libraries_distroless_ships_keeps_distroless(rb):
    result = rb.consult({**PY_NATIVE, "native_libs": "libssl"})
    best = result.plans[0]
    assert best.final_image == "gcr.io/distroless/python3-debian13"
    assert "python3-dev libssl-dev" in _dockerfile(best)
    assert best.cmd == ("main.py",) or best.entrypoint  # the image's ENTRYPOINT runs the interpreter


def test_a_static_binary_does_not_install_runtime_libraries(rb):
    result = rb.consult({**C_NATIVE, "static_ok": "yes", "native_libs": "zlib"})
    scratch = [p for p in result.plans if p.final_image == "scratch"]
    assert scratch and all("apt-get" not in _dockerfile(p).split("FROM scratch")[1] for p in scratch)


def test_inspect_names_the_system_libraries_of_a_requirements_file_and_a_makefile(rb, tmp_path):
    """psycopg2 (no Linux wheel) links the system libpq; markupsafe's wheel bundles what it needs; -lz and -lpq in a
    Makefile are zlib and libpq."""
    py = tmp_path / "py"
    py.mkdir()
    (py / "requirements.txt").write_text("markupsafe\npsycopg2==2.9.10\n")
    (py / "main.py").write_text("print(1)\n")
    facts = {(j.fact.name, j.fact.value): j.note for j in rb.inspect(str(py)).evidence}
    assert ("native_libs", "libpq") in facts and "requirements.txt:2" in facts[("native_libs", "libpq")]
    assert [k for k in facts if k[0] == "native_libs"] == [("native_libs", "libpq")]
    c = tmp_path / "c"
    c.mkdir()
    (c / "main.c").write_text("int main(void){return 0;}\n")
    (c / "Makefile").write_text("app: main.c\n\tcc -o app main.c -lz -lpq -lm\n")
    libs = sorted(j.fact.value for j in rb.inspect(str(c)).evidence if j.fact.name == "native_libs")
    assert libs == ["libpq", "zlib"]


def test_a_library_users_can_name_must_have_packages(tmp_path):
    """A native_libs choice without a `libraries` entry could never be installed: the loader says where."""
    import shutil
    from pathlib import Path

    from kb.errors import RuleFileError
    from kb.loader import load_knowledge

    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "rules.yaml", tmp_path)
    shutil.copytree(root / "knowledge", tmp_path / "knowledge")
    questions = tmp_path / "knowledge" / "questions.yaml"
    questions.write_text(questions.read_text().replace("      libpq: ", "      libfoo: Foo\n      libpq: ", 1))
    with pytest.raises(RuleFileError) as err:
        load_knowledge([tmp_path / "rules.yaml"], base=False)
    assert "native_libs: library 'libfoo' has no entry under 'libraries' (name: libfoo)" in str(err.value)


def test_a_plan_that_installs_libraries_says_which_ones_the_image_lacks(rb):
    result = rb.consult({"language": "cpp", "static_ok": "no", "native_deps": "no"})
    [plan] = [p for p in result.plans if p.strategy == "cpp-dynamic-musl" and p.final_image.startswith("alpine:")]
    [change] = [c for c in plan.changes if "libstdc++" in c.instruction]
    assert change.instruction == "RUN apk add --no-cache libgcc libstdc++"
    assert change.why == "the image lacks libgcc_s.so.1, libstdc++.so.6"
