"""MI412 on Alpine: a -static subpackage means the library is linked from its archive, and the message quotes musl's
loader, whose words are not glibc's (omar-polo/gmid's broken and fixed Dockerfiles, reduced)."""
import pytest

from tests.lint.context_files import findings_of

BUILD = """FROM alpine:3.20 AS builder
WORKDIR /build
RUN apk add --no-cache build-base libevent-dev {extra}
COPY . .
RUN {build}
FROM alpine:3.20
COPY --from=builder /build/gmid /bin/gmid
ENTRYPOINT ["/bin/gmid"]
"""


def _mi412(knowledge, text):
    return findings_of(knowledge, text, "MI412")


def test_dynamic_link_on_alpine_quotes_musls_loader(knowledge):
    found = _mi412(knowledge, BUILD.format(extra="", build="gcc -O2 -o gmid gmid.c -levent"))
    assert len(found) == 1 and found[0].line == 7
    assert 'expect "Error loading shared library libevent.so...: No such file or directory"' in found[0].message
    assert "error while loading shared libraries" not in found[0].message


@pytest.mark.parametrize("build", ["make static", "gcc -static -O2 -o gmid gmid.c -levent"])
def test_static_subpackage_installed_is_linked_statically(knowledge, build):
    assert _mi412(knowledge, BUILD.format(extra="libevent-static", build=build)) == []


def test_static_subpackage_of_another_library_leaves_libevent_needed(knowledge):
    found = _mi412(knowledge, BUILD.format(extra="zlib-static", build="make static"))
    assert [f.line for f in found] == [7] and "libevent" in found[0].message


def test_debian_final_image_keeps_glibcs_words(knowledge):
    text = """FROM debian:12 AS builder
RUN apt-get update && apt-get install -y gcc libevent-dev
RUN gcc -O2 -o /gmid gmid.c -levent
FROM debian:12-slim
COPY --from=builder /gmid /bin/gmid
ENTRYPOINT ["/bin/gmid"]
"""
    found = _mi412(knowledge, text)
    assert found and "error while loading shared libraries: libevent.so...: cannot open shared object file" \
        in found[0].message
