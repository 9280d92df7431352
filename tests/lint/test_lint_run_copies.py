"""A program a RUN copies or moves into a directory (`cp FILE DIR/.`, `cp FILE DIR/`, `mv`, several files at once)
lands at DIR/NAME, where a later COPY --from takes it (kb/lint/moves.py): the final image is judged by the program
that was built, as with `cp FILE DIR/NAME`."""
from __future__ import annotations

import pytest

from kb.lint import lint_text

BUILD = """FROM {builder} AS build
WORKDIR /src
COPY main.c .
RUN gcc -O2 {flags}-o /src/app main.c && mkdir -p /out && {move}
FROM scratch
COPY --from=build {copied} /app
ENTRYPOINT ["/app"]
"""


def mi401(knowledge, text):
    return [f for f in lint_text(knowledge, text) if f.rule == "MI401"]


@pytest.mark.parametrize("builder", ["gcc:13", "golang:1.22-bookworm"])
@pytest.mark.parametrize("move", ["cp /src/app /out/.", "cp /src/app /out/", "mv /src/app /out/.",
                                  "cp -v /src/app /out/app", "cd /src && cp app /out/.",
                                  "install -m 0755 /src/app /out/."])
def test_a_program_copied_into_a_directory_lands_there_under_its_name(knowledge, builder, move):
    text = BUILD.format(builder=builder, flags="", move=move, copied="/out/app")
    [finding] = mi401(knowledge, text)
    assert finding.line == 6
    assert finding.message.startswith("the C program /app is linked dynamically against glibc (gcc without -static")
    assert "scratch has no C library and no loader" in finding.message


def test_a_copy_of_the_whole_directory_carries_it(knowledge):
    text = BUILD.format(builder="gcc:13", flags="", move="cp /src/app /out/.", copied="/out/").replace(
        "COPY --from=build /out/ /app", "COPY --from=build /out/ /usr/local/bin/").replace('["/app"]', '["app"]')
    [finding] = mi401(knowledge, text)
    assert finding.line == 6 and "the C program /usr/local/bin/app is linked dynamically" in finding.message


def test_a_static_program_copied_the_same_way_is_clean(knowledge):
    text = BUILD.format(builder="gcc:13", flags="-static ", move="cp /src/app /out/.", copied="/out/app")
    assert mi401(knowledge, text) == []


def test_cp_dot_into_a_directory_is_not_a_rename_to_the_directory(knowledge):
    """Before, `cp /src/app /out/.` was read as putting the program at /out itself: a COPY of /out/app found nothing,
    and a COPY of /out as a file is not a program either."""
    text = BUILD.format(builder="gcc:13", flags="", move="cp /src/app /out/.", copied="/out")
    [finding] = mi401(knowledge, text)
    assert "the C program /app/app is linked dynamically" in finding.message


def test_several_files_copied_into_a_directory_each_land_there(knowledge):
    text = """FROM gcc:13 AS build
WORKDIR /src
COPY . .
RUN gcc -o server server.c && gcc -static -o tool tool.c && mkdir /out && cp server tool README /out/
FROM scratch
COPY --from=build /out/tool /tool
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
"""
    [finding] = mi401(knowledge, text)
    assert finding.line == 7 and finding.message.startswith("the C program /server is linked dynamically")


def test_a_copy_to_another_file_name_keeps_that_name(knowledge):
    text = BUILD.format(builder="gcc:13", flags="", move="cp /src/app /out/renamed", copied="/out/app")
    assert mi401(knowledge, text) == []  # /out/app is not what the build wrote
