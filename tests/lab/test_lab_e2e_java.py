"""The Java scenarios of the end-to-end matrix short of the engine (issue 8): the JNI library the jar carries, the
jlink plans and their build image, what is not provable with the lab's Debian-built JDK 25 and why, and that a
plan blocked by its final image says so before naming its build image."""
import shutil

import pytest

from kb.evidence.elf import inspect_elf
from lab import e2e
from lab import e2e_compiled as EC
from lab import images as IM
from lab import recipes_java as RJ


def _context(name, tmp_path):
    e2e._context(e2e.BY_NAME[name], tmp_path / "ctx")
    return tmp_path / "ctx"


def test_the_jni_jar_carries_a_glibc_library_with_the_native_method(tmp_path):
    if not shutil.which("gcc"):
        pytest.skip("gcc not installed")
    ctx = _context("java-jni", tmp_path)
    assert (ctx / "src/main/resources/checks.txt").read_text() == "jni\n"
    lib = ctx / EC.JNI_LIBRARY
    report = inspect_elf(lib)
    assert report.linkage == "shared-library" and report.libc == "glibc" and "libc.so.6" in report.needed
    assert b"Java_selfcheck_Main_glibcVersion" in lib.read_bytes()  # the name System.load binds the method by
    assert not (ctx / "jni").exists(), "the C source stays out of the build context"


def test_a_jar_without_jni_gets_no_native_library_nor_its_source(tmp_path):
    ctx = _context("java-jar", tmp_path)
    assert not (ctx / EC.JNI_LIBRARY).exists() and not (ctx / "jni").exists()
    assert (ctx / "src/main/resources/checks.txt").read_text() == "tls,tz,user\n"


def test_a_jni_library_that_does_not_compile_is_a_clear_error(tmp_path):
    if not shutil.which("gcc"):
        pytest.skip("gcc not installed")
    (tmp_path / "jni").mkdir()
    (tmp_path / EC.JNI_SOURCE).write_text("this is not C\n")
    with pytest.raises(EC.PrebuiltError, match="the JNI library: gcc .* failed"):
        EC.build_jni(tmp_path)


def test_jni_offers_glibc_jres_whose_images_the_lab_makes():
    plans = e2e.consult(e2e.BY_NAME["java-jni"])["plans"]
    assert {p["strategy"] for p in plans} == {"java-jre-glibc"}
    finals = {p["final_image"] for p in plans}
    made = {f for f in finals if IM.recipe_for(f)}
    assert made == {"gcr.io/distroless/java21-debian13", "eclipse-temurin:21-jre",  # and the later JREs
                    "gcr.io/distroless/java25-debian13", "eclipse-temurin:25-jre"}
    assert all(IM.why_not(f) != "no lab recipe builds this image yet" for f in finals - made)  # DHI, UBI: why


def test_jlink_plans_build_with_the_lab_jdk25_maven_image():
    scenario = e2e.BY_NAME["java-jlink"]
    plans = e2e.consult(scenario)["plans"]
    assert {p["strategy"] for p in plans} == {"java-jlink"}
    rank = next(p["rank"] for p in plans if p["final_image"] == "gcr.io/distroless/java-base-debian13")
    dockerfile = e2e.ask(scenario, "--format", "dockerfile", "--plan", str(rank))
    assert e2e.images_named(dockerfile) == ["maven:3-eclipse-temurin-25", "gcr.io/distroless/java-base-debian13"]
    assert "RUN jlink --add-modules" in dockerfile
    recipe = IM.recipe_for("maven:3-eclipse-temurin-25")
    assert recipe.build is RJ.maven25_build and recipe.base == "debian-trixie-slim"
    assert recipe.config["Env"]["JAVA_HOME"] == "/opt/java/openjdk" and recipe.config["Env"]["JAVA_VERSION"] == "jdk-25"
    assert any("openjdk-21-jre-headless is installed too" in d for d in recipe.differences)


def test_what_debians_jdk25_cannot_show_for_temurin_is_not_proven_with_the_reason():
    scenario = e2e.BY_NAME["java-jlink"]
    assert "GLIBC_2.38" in scenario.why_unprovable("java-jlink", "debian:bookworm-slim")
    assert scenario.why_unprovable("java-jlink", "gcr.io/distroless/cc-debian13") == ""
    # the images rejected for lacking libstdc++ or zlib: Debian's runtime links them, Temurin's does not
    assert "libstdc++.so.6" in scenario.why_unprovable("java-jlink", "busybox:glibc", "MI152")
    assert scenario.why_unprovable("java-jlink", "scratch", "MI150") == ""  # no glibc loader fails either build


def test_a_plan_blocked_by_its_final_image_names_that_image_not_its_build_image():
    dockerfile = ("FROM buildpack-deps:bullseye AS build\nRUN make\n\n"
                  "FROM registry.access.redhat.com/ubi9/ubi-micro\nCOPY --from=build /out/app /app\n")
    assert e2e.final_image(dockerfile) == "registry.access.redhat.com/ubi9/ubi-micro"
    why = e2e._prepare(None, dockerfile)  # decided before any image is built: no engine is needed
    assert why.startswith("registry.access.redhat.com/ubi9/ubi-micro: Red Hat's RPM repositories")


def test_a_buildable_final_image_leaves_the_build_images_reason():
    dockerfile = "FROM alpine:3.24 AS build\nRUN cc -static -o /app app.c\n\nFROM scratch\nCOPY --from=build /app /app\n"
    assert e2e.final_image(dockerfile) == "scratch"
    assert e2e._prepare(None, dockerfile).startswith("alpine:3.24: Alpine's apk repositories")
    assert e2e.final_image("FROM golang:1-trixie AS build\nFROM build\n") is None


def test_a_rejection_takes_only_a_reason_given_for_its_image_or_rule():
    scenario = e2e.BY_NAME["python-wheels"]  # its reason covers every plan of python-distroless
    assert scenario.why_unprovable("python-distroless", "gcr.io/distroless/python3-debian13")
    assert scenario.why_unprovable("python-distroless", "scratch", "MI153", whole=False) == ""
    jlink = e2e.BY_NAME["java-jlink"]
    assert "libstdc++.so.6" in jlink.why_unprovable("java-jlink", "busybox:glibc", "MI152", whole=False)


def test_the_java25_runtime_images_are_the_java21_recipes_said_of_openjdk_25():
    plans = e2e.consult(e2e.BY_NAME["java25-jar"])["plans"]
    made = {p["final_image"] for p in plans if IM.recipe_for(p["final_image"])}
    assert made == {"gcr.io/distroless/java25-debian13", "eclipse-temurin:25-jre"}
    for ref in made:
        recipe = IM.recipe_for(ref)
        said = " ".join((recipe.recipe, *recipe.differences, *map(str, recipe.config["Env"].values())))
        assert "25" in said and "21" not in said, said
        assert ref not in IM.NOT_PROVABLE


def test_each_jar_scenario_compiles_for_its_own_release(tmp_path):
    """A Java 25 jar must stop on the Java 21 images MI153 rejects; compiled for 21, as the pom says, it ran there."""
    assert "<maven.compiler.release>25</maven.compiler.release>" in (_context("java25-jar", tmp_path / "25")
                                                                     / "pom.xml").read_text()
    assert "<maven.compiler.release>21</maven.compiler.release>" in (_context("java-jar", tmp_path / "21")
                                                                     / "pom.xml").read_text()
