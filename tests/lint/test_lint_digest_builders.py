"""MI419 (kb/lint/digests.py) beyond its first case: which builder stages it names, and which it leaves alone
(mutation sample seed 100, tests/mutation-survivors.md)."""
from __future__ import annotations

from tests.lint.context_files import findings_of

DIGEST = "@sha256:" + "c" * 64
FINAL = "gcr.io/distroless/cc:debug" + DIGEST


def test_the_message_names_the_builder_stage_and_the_release_the_tag_means_today(knowledge):
    text = f"""FROM debian:trixie AS compile
RUN apt-get update && apt-get install -y gcc
COPY main.c /src/main.c
RUN gcc -O2 -o /app /src/main.c
FROM {FINAL}
COPY --from=compile /app /app
ENTRYPOINT ["/app"]
"""
    [f] = findings_of(knowledge, text, "MI419")
    assert f.message.startswith("the compile stage builds on debian:trixie (debian13, glibc 2.41) what this COPY")
    assert "read as today it is debian13, glibc 2.41, but an older digest holds an older release" in f.message


def test_an_unnamed_builder_stage_is_named_by_its_number(knowledge):
    text = f"""FROM debian:trixie
RUN apt-get update && apt-get install -y gcc && echo 'int main(){{return 0;}}' > /m.c && gcc -o /app /m.c
FROM {FINAL}
COPY --from=0 /app /app
"""
    [f] = findings_of(knowledge, text, "MI419")
    assert f.line == 4 and f.message.startswith("the 0 stage builds on debian:trixie")


def test_a_copy_in_the_stage_the_final_one_is_from_is_reported_there(knowledge):
    text = f"""FROM debian:trixie AS build
RUN apt-get update && apt-get install -y gcc
COPY main.c /src/main.c
RUN gcc -O2 -o /app /src/main.c
FROM {FINAL} AS base
COPY --from=build /app /app
FROM base
ENTRYPOINT ["/app"]
"""
    [f] = findings_of(knowledge, text, "MI419")
    assert (f.line, f.severity) == (6, "warning")
    assert f"into {FINAL}" in f.message


def test_a_builder_from_the_same_reference_and_digest_is_the_same_image(knowledge):
    text = f"""FROM {FINAL} AS build
RUN gcc -O2 -o /app /src/main.c
FROM {FINAL}
COPY --from=build /app /app
"""
    assert findings_of(knowledge, text, "MI419") == []
    other = text.replace(f"FROM {FINAL} AS build", f"FROM {FINAL.replace('c' * 64, 'd' * 64)} AS build")
    assert [f.line for f in findings_of(knowledge, other, "MI419")] == [4]


def test_a_static_go_build_links_no_glibc_and_is_not_reported(knowledge):
    text = f"""FROM golang:1.25 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app .
FROM {FINAL}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""
    assert findings_of(knowledge, text, "MI419") == []
    cgo = text.replace("CGO_ENABLED=0 ", "")
    assert [f.line for f in findings_of(knowledge, cgo, "MI419")] == [6]


def test_a_builder_that_only_copies_files_is_not_reported(knowledge):
    text = f"""FROM debian:trixie AS files
COPY entrypoint.sh /entrypoint.sh
FROM {FINAL}
COPY --from=files /entrypoint.sh /entrypoint.sh
"""
    assert findings_of(knowledge, text, "MI419") == []
