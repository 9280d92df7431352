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


# ---- Debian and Ubuntu: base-passwd's system users, and nothing of the final image adds another (kb/lint/users.py) --

APP = 'COPY app /app\nENTRYPOINT ["/app"]\n'


def test_a_user_debian_lacks_and_no_step_adds_is_an_error_naming_the_list_and_the_failure(knowledge):
    [f] = users(knowledge, "FROM debian:bookworm-slim\nCOPY app /app\nUSER appuser\nENTRYPOINT [\"/app\"]\n")
    assert (f.severity, f.line) == ("error", 3)
    assert f.message.startswith("USER appuser: debian:bookworm-slim has no appuser in its /etc/passwd (only the "
                                "system users root, daemon, bin, ")
    assert "www-data" in f.message and "no RUN of this stage or those it is built FROM adds one" in f.message
    assert f.message.endswith("(the container fails to start: unable to find user appuser: no matching entries in "
                              "passwd file)")
    assert f.fix.startswith("add the user in the final stage before it is used (RUN useradd")


def test_a_chown_to_a_user_ubuntu_lacks_fails_the_build(knowledge):
    [f] = users(knowledge, "FROM ubuntu:22.04\nRUN mkdir -p /data && chown 1000:1000 /data\n"
                           "COPY --chown=svc:svc app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n")
    assert (f.line, f.message.split(":")[0]) == (3, "COPY --chown=svc")
    assert f.message.endswith("adds one (the build fails at this step)")


@pytest.mark.parametrize("user", ["www-data", "nobody", "_apt", "daemon:daemon", "1000", "1000:1000", "root",
                                  "${APP_USER}", "www-data:appgroup"])
def test_the_system_users_numeric_ids_root_and_variables_are_clean(knowledge, user):
    assert users(knowledge, f"FROM debian:bookworm-slim\nUSER {user}\n" + APP) == []


def test_ubuntu_noble_has_its_ubuntu_user(knowledge):
    assert users(knowledge, "FROM ubuntu:24.04\nUSER ubuntu\n" + APP) == []


@pytest.mark.parametrize("run", [
    "RUN useradd --system appuser", "RUN adduser --disabled-password appuser",
    "RUN groupadd -r app && useradd -r -g app appuser",
    "RUN apt-get update && apt-get install -y --no-install-recommends postgresql",  # a postinst may add users
    "RUN ./setup.sh", "RUN curl -fsSL https://example.test/install | sh", 'RUN ["/usr/local/bin/init-users"]',
    'RUN echo "appuser:x:10001:10001::/app:/bin/sh" >> /etc/passwd && echo "appuser:x:10001:" >> /etc/group',
    "RUN sed -i '$a appuser:x:10001:10001::/app:/bin/sh' /etc/passwd",
])
def test_a_run_that_may_add_users_keeps_it_silent(knowledge, run):
    assert users(knowledge, f"FROM debian:bookworm-slim\n{run}\nUSER appuser\n" + APP) == []


@pytest.mark.parametrize("text", [
    "FROM debian:bookworm-slim AS base\nRUN useradd appuser\nFROM base\nUSER appuser\n",  # a parent stage adds it
    "FROM alpine:3.20 AS b\nRUN adduser -D appuser\nFROM debian:bookworm-slim\n"
    "COPY --from=b /etc/passwd /etc/passwd\nUSER appuser\n",
    "FROM debian:bookworm-slim\nCOPY rootfs/ /\nUSER appuser\n",  # a root tree may bring /etc/passwd
    "FROM debian:bookworm-slim AS b\nUSER appuser\nFROM alpine:3.20\n",  # not the final stage
    "FROM python:3.12-slim\nUSER appuser\n",  # its family does not list users
])
def test_users_added_copied_or_not_known_give_nothing(knowledge, text):
    assert users(knowledge, text + APP) == []


def test_commands_that_add_no_user_do_not_hide_the_error(knowledge):
    text = "FROM debian:bookworm-slim\nRUN mkdir -p /data && chown -R 1000 /data && pip install flask\nUSER app\n"
    [f] = users(knowledge, text + APP)
    assert f.line == 3


def test_distroless_debug_has_a_shell_but_only_distroless_users(knowledge):
    """skip-mev/connect#710: USER connect:connect on distroless base-debian11:debug, which nothing adds."""
    text = "FROM gcr.io/distroless/base-debian11:debug\nCOPY app /usr/local/bin/\nUSER connect:connect\n" \
           'CMD ["app"]\n'
    [f] = [f for f in lint_text(knowledge, text) if f.rule == "MI407"]
    assert f.line == 3 and f.severity == "error"
    assert "has no user connect or group connect in its /etc/passwd and /etc/group (only the system users root, " \
        "nobody, nonroot)" in f.message and "unable to find user connect" in f.message
    assert [f for f in lint_text(knowledge, text.replace("connect:connect", "nonroot")) if f.rule == "MI407"] == []
    added = text.replace("USER", "RUN adduser -D connect\nUSER")
    assert [f for f in lint_text(knowledge, added) if f.rule == "MI407"] == []
