"""MI407 (kb/lint/checks.py check_user): a user named by USER or by COPY/ADD --chown in an image without /etc/passwd.
USER fails when the container starts; --chown is resolved while the image is built, so the build fails at that step.
Numeric IDs, root, a variable and an /etc/passwd copied into the stage need no lookup."""
from __future__ import annotations

import pytest

from kb.lint import lint_text


def users(knowledge, text):
    return [f for f in lint_text(knowledge, text) if f.rule == "MI407"]


@pytest.mark.parametrize("copy", ["COPY --chown=app:app app /app", "ADD --chown=app app /app",
                                  "COPY --chown=65532:app app /app"])
def test_a_named_chown_on_scratch_is_an_error_naming_the_step_image_and_fix(knowledge, copy):
    [f] = users(knowledge, f'FROM scratch\n{copy}\nUSER 65532\nENTRYPOINT ["/app"]\n')
    assert (f.severity, f.line) == ("error", 2)
    flag = copy.split()[1]
    assert f.message == (f"{copy.split()[0]} {flag}: scratch has no /etc/passwd to resolve the name "
                         "(the build fails at this step)")
    assert "--chown=65532:65532" in f.fix and "/etc/passwd" in f.fix


@pytest.mark.parametrize("copy", ["COPY --chown=65532:65532 app /app", "COPY --chown=root:root app /app",
                                  "COPY --chown=${UID}:${GID} app /app", "COPY app /app"])
def test_numeric_root_or_variable_chown_needs_no_lookup(knowledge, copy):
    assert users(knowledge, f'FROM scratch\n{copy}\nUSER 65532\nENTRYPOINT ["/app"]\n') == []


def test_a_copied_passwd_resolves_chown_and_user(knowledge):
    text = ('FROM alpine:3.20 AS build\nRUN adduser -D app\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\n'
            'COPY --from=build /etc/group /etc/group\nCOPY --chown=app:app app /app\nUSER app\nENTRYPOINT ["/app"]\n')
    assert users(knowledge, text) == []


def test_user_and_chown_are_reported_each_in_line_order(knowledge):
    text = 'FROM scratch\nCOPY --chown=app app /app\nUSER app\nENTRYPOINT ["/app"]\n'
    assert [(f.line, f.message.split(":")[0]) for f in users(knowledge, text)] == [(2, "COPY --chown=app"),
                                                                                     (3, "USER app")]
    assert users(knowledge, text)[1].message == "USER app: scratch has no /etc/passwd to resolve the name"


def test_chown_in_an_image_with_passwd_is_not_this_rule(knowledge):
    text = 'FROM gcr.io/distroless/static-debian12\nCOPY --chown=nonroot:nonroot app /app\nUSER nonroot\n' \
           'ENTRYPOINT ["/app"]\n'
    assert users(knowledge, text) == []


@pytest.mark.parametrize("final", ["gcr.io/distroless/static-debian12", "gcr.io/distroless/base-debian13:nonroot",
                                   "gcr.io/distroless/cc", "gcr.io/distroless/python3-debian12"])
def test_a_user_distroless_lacks_is_an_error_there_is_no_shell_to_add_it(knowledge, final):
    [f] = users(knowledge, f'FROM {final}\nCOPY app /app\nUSER app\nENTRYPOINT ["/app"]\n')
    assert (f.severity, f.line) == ("error", 3)
    assert f.message == (f"USER app: {final} has no shell to add app, and its /etc/passwd names only root, nobody, "
                         "nonroot")


def test_a_chown_group_distroless_lacks_fails_the_build(knowledge):
    [f] = users(knowledge, 'FROM gcr.io/distroless/static-debian12\nCOPY --chown=nonroot:www app /app\n'
                           'ENTRYPOINT ["/app"]\n')
    assert f.message == ("COPY --chown=nonroot:www: gcr.io/distroless/static-debian12 has no shell to add www, and its "
                         "/etc/passwd names only root, nobody, nonroot (the build fails at this step)")


@pytest.mark.parametrize("text", [
    "FROM gcr.io/distroless/static-debian12\nUSER nobody:nobody\n",
    "FROM gcr.io/distroless/static-debian12\nCOPY --chown=nonroot:staff app /app\nUSER 1000:1000\n",
    "FROM gcr.io/distroless/static-debian12:debug\nUSER app\n",  # busybox: a RUN adduser is possible
    "FROM cgr.dev/chainguard/static\nUSER app\n",  # its users are not in the knowledge
    "FROM alpine:3.20 AS b\nRUN adduser -D app\nFROM gcr.io/distroless/static-debian12\n"
    "COPY --from=b /etc/passwd /etc/passwd\nUSER app\n",
    "FROM debian:bookworm-slim\nRUN useradd app\nUSER app\n",
])
def test_known_users_a_shell_unknown_users_or_a_copied_passwd_give_nothing(knowledge, text):
    assert users(knowledge, text + 'COPY app /app\nENTRYPOINT ["/app"]\n') == []
