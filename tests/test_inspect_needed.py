"""An inspected binary's DT_NEEDED list is evidence of its native libraries (issue 8): a C++ binary that needs only
the C and C++ runtimes gets the small images that ship them, one that links more needs an image that can add it."""
import shutil
import subprocess

import pytest

from kb.evidence.facts import inspect_path

QUIET = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}
CPP = "#include <iostream>\nint main(){std::cout<<1;}\n"
ZLIB = "#include <zlib.h>\n#include <iostream>\nint main(){std::cout<<zlibVersion();}\n"


def build(tmp_path, source, *flags):
    if not shutil.which("g++"):
        pytest.skip("g++ not installed (apt-get install g++)")
    (tmp_path / "a.cpp").write_text(source)
    res = subprocess.run(["g++", "-o", str(tmp_path / "app"), str(tmp_path / "a.cpp"), *flags], capture_output=True,
                         text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot build the test binary here: {res.stderr[-300:]}")
    return inspect_path(str(tmp_path / "app"))[2]


def prebuilt_images(result):
    return [p.final_image for p in result.plans if p.strategy == "prebuilt-binary"]


def test_a_cpp_binary_needing_only_the_runtimes_gets_distroless_cc_before_debian_slim(rb, tmp_path):
    evidence = build(tmp_path, CPP)
    native = [j for j in evidence if j.fact.name == "native_deps"]
    assert [j.fact.value for j in native] == ["no"] and "DT_NEEDED only" in native[0].note
    images = prebuilt_images(rb.consult(QUIET, evidence))
    assert "gcr.io/distroless/cc-debian13" in images and "cgr.dev/chainguard/glibc-dynamic" in images
    assert images.index("gcr.io/distroless/cc-debian13") < images.index("debian:trixie-slim")


def test_a_binary_linking_zlib_is_told_its_own_native_libraries(rb, tmp_path):
    evidence = build(tmp_path, ZLIB, "-lz")
    native = [j for j in evidence if j.fact.name == "native_deps"]
    assert [j.fact.value for j in native] == ["yes"] and "libz.so.1" in native[0].note
    result = rb.consult(QUIET, evidence)
    assert "gcr.io/distroless/cc-debian13" not in prebuilt_images(result)
    assert any(r.image == "gcr.io/distroless/cc-debian13" and r.strategy == "prebuilt-binary" and
               "your own native libraries" in r.reason for r in result.rejected)


def test_a_static_binary_carries_its_libraries(tmp_path):
    evidence = build(tmp_path, CPP, "-static")
    assert [(j.fact.value, j.note.endswith("(statically linked)")) for j in evidence
            if j.fact.name == "native_deps"] == [("no", True)]


def test_between_images_of_nearly_the_same_size_the_current_debian_release_goes_first(rb):
    result = rb.consult({"language": "cpp", "static_ok": "no", "native_deps": "no", **QUIET})
    slim = [p for p in result.plans if p.final_image in ("debian:trixie-slim", "debian:bookworm-slim")]
    bookworm, trixie = (next(p for p in slim if p.final_image == ref)
                        for ref in ("debian:bookworm-slim", "debian:trixie-slim"))
    assert bookworm.size_mb < trixie.size_mb  # bookworm is smaller, and still ranks after
    assert trixie.rank < bookworm.rank
