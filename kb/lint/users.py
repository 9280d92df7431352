"""MI407: a user named by USER or by COPY/ADD --chown that the image cannot resolve.

Docker looks a name up in the image's /etc/passwd (and /etc/group): when the container starts for USER, while the
image is built for --chown. Scratch has no /etc/passwd; distroless has one with a few users and no shell to add
another. Debian and Ubuntu images have base-passwd's fixed system users, distroless :debug distroless's root, nobody
and nonroot beside a busybox shell (`users` of their image family), so a name outside them is there only if
something of the final image adds it: a RUN that runs anything but a few commands known not to add users (useradd, a
package install whose postinst adds one, a script: any may), a RUN that names /etc/passwd or /etc/group (an echo
appended to it), or a COPY of /etc/passwd, of /etc or of a tree into /, in the final stage or a stage it is built
FROM. Numeric IDs, root and variables need no lookup.
"""
from __future__ import annotations

import posixpath

from ..detectors import detector
from ..model import LintRule
from .results import Hit
from .shellwords import is_assignment, simple_commands

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .profiles import Profile
    from .stages import Analysis, StageInfo

#: commands a RUN may run without adding a user or group: anything else (useradd, apt-get install whose package's
#: postinst adds one, a script, sh -c) may, so the name may be there and lint says nothing
_ADDS_NO_USER = frozenset({
    "mkdir", "chown", "chgrp", "chmod", "rm", "ln", "cp", "mv", "echo", "printf", "cd", "true", "false", "set",
    "export", "touch", "cat", "ls", "test", "[", "sed", "tar", "unzip", "gzip", "gunzip", "curl", "wget", "pip",
    "pip3", "npm", "yarn", "pnpm", "npx", "go", "cargo", "grep", "sort", "head", "tail", "date", "ldconfig",
    "update-ca-certificates", "sha256sum", "install", "find", "tee", "sleep", "exit", "umask", "stat", "id",
})


def _named(user: str) -> bool:
    """Does USER or --chown `user` (NAME, NAME:GROUP, UID:GID) name a user or group other than root by name?"""
    parts = user.split(":", 1)
    return "$" not in user and not all(part.isdigit() for part in parts if part) and parts[0] != "root"


def _lacks(prof: "Profile", user: str) -> str:
    """Why the stage's image cannot resolve the names in `user` (NAME[:GROUP], USER's or --chown's), "" if it can:
    no /etc/passwd at all, or no shell to add a name its known /etc/passwd and /etc/group (distroless) lack."""
    if "$" in user:
        return ""
    if prof.passwd is False:
        return "has no /etc/passwd to resolve the name" if _named(user) else ""
    missing = [n for _kind, n in _missing(prof, user)]
    return f"has no shell to add {' or '.join(missing)}, and its /etc/passwd names only {', '.join(prof.users)}" \
        if missing else ""


def _missing(prof: "Profile", user: str) -> list[tuple[str, str]]:
    """("user" or "group", name) for the names in `user` that the image's known /etc/passwd and /etc/group lack."""
    name, _, group = user.partition(":")
    return [(kind, n) for kind, n, known in (("user", name, prof.users), ("group", group, prof.groups))
            if n and not n.isdigit() and "$" not in n and known is not None and n not in known]


def _not_added(prof: "Profile", user: str) -> str:
    """Why an image with a shell (Debian, Ubuntu, distroless :debug) cannot resolve `user` when nothing of the stage
    adds users."""
    missing = _missing(prof, user)
    if not missing:
        return ""
    files = " and /etc/group" if any(kind == "group" for kind, _ in missing) else ""
    names = " or ".join(f"{kind} {n}" if files else n for kind, n in missing)
    return f"has no {names} in its /etc/passwd{files} (only the system users {', '.join(prof.users)}), and no RUN " \
        "of this stage or those it is built FROM adds one"


def _may_add_users(a: "Analysis", info: "StageInfo") -> bool:
    """Can the stage or a stage it is built FROM have added users: a RUN that runs anything but `_ADDS_NO_USER`,
    or a COPY/ADD into / or /etc (a root tree, an /etc with its passwd)?"""
    i: int | None = info.index
    while i is not None:
        stage = a.stages[i]
        for run in stage.stage.runs:
            text = stage.texts.get(run.line) or (" ".join(run.argv) if run.exec_form else run.command)
            if "/etc/passwd" in text or "/etc/group" in text:
                return True  # `echo "app:x:1000:..." >> /etc/passwd`, sed -i: redirections are not commands
            for argv in simple_commands(text):
                while argv and (is_assignment(argv[0]) or argv[0] in ("sudo", "env")):
                    argv = argv[1:]
                if argv and posixpath.basename(argv[0]) not in _ADDS_NO_USER:
                    return True
        for ins in stage.stage.instructions:
            if ins.cmd in ("COPY", "ADD") and len(ins.args) >= 2 and ins.args[-1].rstrip("/") in ("", "/etc"):
                return True
        i = stage.stage.base_stage
    return False


@detector("lint", "named-user-without-passwd")
def check_user(a: "Analysis", rule: LintRule):
    for info in a.stages:
        prof = info.profile
        if not prof.known or "passwd" in prof.provided:
            continue
        no_shell = prof.passwd is False or (prof.users is not None and prof.shell == "none"
                                            and "shell" not in prof.provided)
        if no_shell:
            why, variant = _lacks, "default"
        elif info is a.final and prof.users is not None and not _may_add_users(a, info):
            why, variant = _not_added, "shell"  # base-passwd's users only (Debian, Ubuntu), and nothing adds one
        else:
            continue
        hits = [(line, f"USER {user}", why(prof, user), f" (the container fails to start: unable to find user "
                 f"{user.partition(':')[0]}: no matching entries in passwd file)" if variant == "shell" else "")
                for line, user in info.users]
        for ins in info.stage.instructions:  # COPY --chown=NAME is resolved at build time, in the same files
            chown = [f[8:] for f in ins.flags if f.startswith("--chown=")] if ins.cmd in ("COPY", "ADD") else ()
            hits += [(ins.line, f"{ins.cmd} --chown={c}", why(prof, c), " (the build fails at this step)")
                     for c in chown]
        for line, what, lacks, effect in sorted(hits):
            if lacks:
                yield Hit(line, {"what": what, "image": info.image, "lacks": lacks,
                                 "effect": effect}, variant)


def _passwd_copy(info: "StageInfo"):
    """The last COPY --from=<stage> of the stage that puts an /etc/passwd in place (of /etc, or of the file), as
    its CopyFrom; None when there is none."""
    last = None
    for cf in info.stage.copy_from:
        dest = (cf.dest or "").rstrip("/") or "/"
        if cf.stage_index is None or cf.instruction != "COPY":
            continue
        if any(s.rstrip("/") == "/etc/passwd" and dest in ("/etc/passwd", "/etc") or s.rstrip("/") == "/etc"
               and dest == "/etc" for s in cf.sources):
            last = cf
    return last


def _names(a: "Analysis", index: int, name: str) -> bool:
    """Does a RUN of stage `index`, or of a stage it is built FROM, name `name` as a word (useradd NAME, an echo
    into /etc/passwd), or does a COPY bring it an /etc/passwd of its own?"""
    i: int | None = index
    while i is not None:
        stage = a.stages[i]
        if "passwd" in stage.profile.provided:
            return True
        if any(name in (stage.texts.get(r.line) or r.command).replace(":", " ").split() for r in stage.stage.runs):
            return True
        i = stage.stage.base_stage
    return False


@detector("lint", "named-user-lost-with-copied-passwd")
def check_copied_passwd(a: "Analysis", rule: LintRule):
    """MI424: the final stage copies /etc (or /etc/passwd) from another stage after its image's own: the names USER
    and --chown give later are looked up in that stage's file, which has its image's users and what its RUNs add."""
    info = a.final
    cf = _passwd_copy(info)
    if cf is None:
        return
    src = a.stages[cf.stage_index]
    known = src.profile.users
    if known is None or not src.profile.known:
        return
    names = [(line, f"USER {user}", user) for line, user in info.users if line > cf.line]
    names += [(ins.line, f"{ins.cmd} --chown={f[8:]}", f[8:]) for ins in info.stage.instructions
              if ins.cmd in ("COPY", "ADD") and ins.line > cf.line for f in ins.flags if f.startswith("--chown=")]
    for line, what, user in names:
        name = user.partition(":")[0]
        if not _named(user) or name in known or _names(a, cf.stage_index, name):
            continue
        yield Hit(line, {"what": what, "copy_line": cf.line, "image": info.image, "stage": cf.source,
                         "source_image": src.image, "name": name})
