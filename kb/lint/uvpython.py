"""MI471 for uv's managed Python: `uv sync` or `uv venv` asked for a Python the image does not have (.python-version,
--python, UV_PYTHON, requires-python) downloads a managed CPython and makes the environment on it, its bin/python a
link into uv's Python install directory; root's run puts that directory under /root, which a later USER cannot
read, and a COPY of the environment into another stage leaves it behind. Either way the environment's Python is not
the image's, and the image's own Python does not look under the environment's lib/pythonX.Y.

uv's documented behaviour (docs.astral.sh/uv: "Python versions": a requested version is downloaded when no
installed Python satisfies it, .python-version is the default request, `--python-preference` / UV_PYTHON_PREFERENCE
`only-system` never uses a managed Python and `only-managed` always does, UV_PYTHON_DOWNLOADS=never or manual and
--no-python-downloads stop the download; "Storage": managed Pythons go to UV_PYTHON_INSTALL_DIR, else
$XDG_DATA_HOME/uv/python, else $HOME/.local/share/uv/python). Only a request whose X.Y lint can read and compare with
the X.Y the stage's image names is judged; anything else is said nothing of. No pattern here runs over more than
one word or line at a time.
"""
from __future__ import annotations

import posixpath
import re

from .shellwords import abspath, expand, positional, simple_commands
from .uvsteps import option_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

_VERSION = re.compile(r"(?:cpython|cp|python)?[@-]?(3)\.?(\d{1,2})(?:\.\d{1,3})?")
_LOWER = re.compile(r">=\s*(3)\.(\d{1,2})")
_ROOT_USERS = ("", "root", "0", "root:root", "0:0")
_NO_DOWNLOADS = ("never", "manual")


def _minor(request: str) -> tuple[int, int] | None:
    m = _VERSION.fullmatch(request.strip().lower())
    return (int(m.group(1)), int(m.group(2))) if m else None


def _satisfied(request: str, have: tuple[int, int]) -> bool | None:
    """Does the image's Python X.Y satisfy `request` (3.14, cpython@3.14, >=3.13)? None when lint cannot read it."""
    if request.startswith("/"):
        return True  # a path: an interpreter of the image
    if (wanted := _minor(request)) is not None:
        return wanted == have
    m = _LOWER.fullmatch(request.strip().split(",")[0].strip())
    return (int(m.group(1)), int(m.group(2))) <= have if m else None


def _project_request(a: "Analysis", sub: str) -> tuple[str | None, str]:
    """What the project in `sub` of the context asks for, and the file that says it: .python-version's first line,
    else pyproject.toml's requires-python."""
    from ..evidence.errors import read_project_file

    if not a.context_dir:
        return None, ""
    for where in dict.fromkeys((sub, "")):
        name = posixpath.join(where, ".python-version")
        text = read_project_file(a.context_dir, name)
        if text:
            first = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
            return first or None, name
        name = posixpath.join(where, "pyproject.toml")
        for raw in (read_project_file(a.context_dir, name) or "").splitlines():
            if raw.startswith("requires-python"):
                return raw.partition("=")[2].strip().strip("\"'") or None, f"requires-python of {name}"
    return None, ""


def _uv_runs(a: "Analysis", index: int):
    """(line, words after `uv`, env, cwd, user) of every uv command of stage `index` and the stages it is FROM, in
    order, with the ENV, WORKDIR and USER in force at its RUN."""
    chain, i = [], index
    while i is not None and len(chain) <= len(a.stages):
        chain.append(a.stages[i])
        i = a.stages[i].stage.base_stage
    env: dict = {}
    cwd, user = "/", ""
    for info in reversed(chain):
        if info.stage.base_stage is None:
            cwd = info.profile.workdir or "/"
        runs = {r.line: r for r in info.stage.runs}
        for ins in info.stage.instructions[1:]:
            if ins.cmd == "ENV":
                for k, v in zip(ins.args[0::2], ins.args[1::2]):
                    env[k] = expand(v.strip("\"'"), env, "")
            elif ins.cmd == "WORKDIR" and ins.args:
                cwd = abspath(expand(ins.args[0], env, "x"), cwd)
            elif ins.cmd == "USER" and ins.args:
                user = expand(ins.args[0], env, "$")
            elif ins.cmd == "RUN" and ins.line in runs and "uv" in (text := info.texts.get(ins.line) or
                                                                   runs[ins.line].command or ""):
                here, local = cwd, dict(env)
                for argv in simple_commands(text):
                    while argv and "=" in argv[0] and not argv[0].startswith("-"):
                        k, _, v = argv[0].partition("=")
                        local[k] = v
                        argv = argv[1:]
                    if argv and argv[0] == "cd" and len(argv) > 1:
                        here = abspath(expand(argv[1], local, "x"), here)
                    elif argv and posixpath.basename(argv[0]) == "uv":
                        yield ins.line, argv[1:], local, here, user


def _managed_dir(env: dict, user: str) -> str:
    if env.get("UV_PYTHON_INSTALL_DIR"):
        return env["UV_PYTHON_INSTALL_DIR"].rstrip("/")
    if env.get("XDG_DATA_HOME"):
        return env["XDG_DATA_HOME"].rstrip("/") + "/uv/python"
    home = env.get("HOME") or ("/root" if user in _ROOT_USERS else f"/home/{user.split(':')[0]}")
    return home.rstrip("/") + "/.local/share/uv/python"


def managed_environments(a: "Analysis", index: int, have: tuple[int, int]):
    """(line, environment, requested Python, where it comes from, install dir) for each `uv sync` / `uv venv` of
    stage `index` that makes its environment on a managed Python: one the image's Python X.Y (`have`) does not
    satisfy, downloaded or installed before by `uv python install`."""
    installed: set = set()  # X.Y of `uv python install` runs (they go to the same directory)
    for line, words, env, cwd, user in _uv_runs(a, index):
        sub, args = (words[0], words[1:]) if words else ("", [])
        while sub.startswith("-") and args:  # global options before the subcommand
            sub, args = args[0], args[1:]
        every = words
        preference = option_value(every, "--python-preference") or env.get("UV_PYTHON_PREFERENCE", "")
        if "--managed-python" in every:
            preference = "only-managed"
        if "--no-managed-python" in every or preference == "only-system":
            continue
        downloads = "--no-python-downloads" not in every and \
            env.get("UV_PYTHON_DOWNLOADS", "automatic").lower() not in _NO_DOWNLOADS
        if sub == "python" and args[:1] == ["install"]:
            installed.update(m for v in positional(args[1:], takes_value={"-i", "--install-dir"}) if (m := _minor(v)))
            continue
        if sub not in ("sync", "venv"):
            continue
        where = option_value(every, "--directory", "--project")
        project = abspath(expand(where, env, "x"), cwd) if where else cwd
        request, source = option_value(every, "--python", "-p"), "--python"
        if request is None and env.get("UV_PYTHON"):
            request, source = env["UV_PYTHON"], "UV_PYTHON"
        if request is None:
            request, source = _project_request(a, a.context_subdir(a.stages[index], project))
        if request is None or _satisfied(request, have) is not False:
            continue  # the image's Python serves it (or lint cannot tell)
        wanted = _minor(request)
        if not (downloads or wanted in installed):
            continue  # uv stops the build instead
        if sub == "sync":
            venv = env.get("UV_PROJECT_ENVIRONMENT") or ".venv"
            venv = abspath(expand(venv, env, "x"), project)
        else:
            paths = positional(args, takes_value={"--python", "-p", "--prompt", "--index-url", "--seed"})
            venv = abspath(expand(paths[0] if paths else ".venv", env, "x"), cwd)
        yield line, venv, request, source, _managed_dir(env, user)


def uv_managed_hits(a: "Analysis"):
    """(line, values, variant) for MI471: an environment on uv's managed Python that the final image cannot run: made
    by root under /root with a later USER of another name in the final image, or copied into the final stage without
    the install directory."""
    from .pyversion import across_versions, python_minor

    final = a.final
    chain, i = [], final.index
    while i is not None and len(chain) <= len(a.stages):
        chain.append(i)
        i = a.stages[i].stage.base_stage
    run_user = next((u for s in chain for _ln, u in reversed(a.stages[s].users)), "")
    image = final.image
    candidates = dict.fromkeys([*reversed(chain), *(cf.stage_index for cf in final.stage.copy_from
                                                    if cf.stage_index is not None)])
    for index in candidates:
        py = python_minor(a, index)
        if py is None or not re.fullmatch(r"3\.\d+", py[0]):
            continue
        have = tuple(int(x) for x in py[0].split("."))
        for line, venv, request, source, where in managed_environments(a, index, have):  # type: ignore[arg-type]
            values = {"what": venv, "built": request, "image": py[1], "run": py[0], "where": where,
                      "builder": f"uv's managed CPython, which uv downloads into {where} because {source} asks for "
                                 f"{request}, and links {venv}/bin/python to"}
            if index in chain:
                if where.startswith("/root/") and run_user not in _ROOT_USERS:
                    # the interpreter is in the image, but out of the run user's reach: not a version skew
                    failure = (f"but USER {run_user} runs it, and {where} is under /root, which only root may enter: "
                               f"{venv}/bin/python cannot start, expect \"Permission denied\" (from `uv run`: "
                               f"\"Failed to query Python interpreter\")")
                    yield line, {**values, "user": run_user, "failure": failure}, "uv-user"
                continue
            copies = [cf for cf in final.stage.copy_from if cf.stage_index == index]
            brings = [cf for cf in copies if any(venv == abspath(s, "/") or venv.startswith(abspath(s, "/").rstrip("/")
                                                                                              + "/") for s in cf.sources)]
            keeps = any(where == abspath(s, "/") or where.startswith(abspath(s, "/").rstrip("/") + "/")
                        for cf in copies for s in cf.sources)
            final_py = python_minor(a, final.index)
            if brings and not keeps and final_py is not None:
                yield brings[0].line, {**values, "image": image, "run": final_py[0],
                                       "failure": across_versions(request, final_py[0], image)}, "uv-copy"
