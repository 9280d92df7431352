"""`minimage-ask lint DOCKERFILE...`: the MI4xx checks, as text (hadolint style), JSON or SARIF 2.1.0."""
from __future__ import annotations

import os

from kb.files import safe_text

from ..common import COMMON_OPTIONS, VERSION, Env, ExitStatus, UsageError, command_parser, load_rulebase, write_output
from ..quickargs import Option, add_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

NAME = "lint"
HELP = "libc-aware checks of Dockerfiles (MI4xx), as text, JSON or SARIF"
API = ("lint",)

EXAMPLES = """\
examples:
  minimage-ask lint Dockerfile
  minimage-ask lint --quiet build/*.Dockerfile
  minimage-ask lint --format sarif Dockerfile > minimage.sarif      for GitHub code scanning
  minimage-ask lint --ignore MI402 Dockerfile
  cat Dockerfile | minimage-ask lint -
  pre-commit: add the hook `minimage-lint` (.pre-commit-hooks.yaml)

The build context (for Go imports, go.mod, requirements.txt, package.json) is the Dockerfile's directory unless
--context or --no-context says otherwise. `minimage-ask rules MI401` explains a rule.

exit status: 0 no error-severity finding, 1 at least one, 2 a Dockerfile could not be read or parsed (or bad usage)
"""

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
MAX_STDIN = 1 << 20


#: The options after the DOCKERFILE arguments; one list for argparse and for the quick path (shell.quickargs), which
#: reads a plain `minimage-ask lint --quiet Dockerfile` from pre-commit without importing argparse.
OPTIONS = (
    Option("--format", "-f", choices=("text", "json", "sarif"), default="text"),
    Option("--quiet", "-q", kind="flag", help="text: findings only, without the fix lines"),
    Option("--ignore", kind="append", metavar="ID",
           help="skip a rule, by ID or name (repeatable; also comma-separated)"),
    Option("--context", metavar="DIR", help="the build context to read sources from (default: the Dockerfile's "
                                            "directory)"),
    Option("--no-context", kind="flag", help="do not read anything besides the Dockerfiles"),
    Option("--output", "-o", metavar="PATH", help="write the report to PATH"),
    *COMMON_OPTIONS,
)
POSITIONAL = "files"


def parser() -> argparse.ArgumentParser:
    p = command_parser(NAME, "Check Dockerfiles for programs that will not run in their final image: glibc "
                             "binaries in scratch or Alpine, cgo left on, missing libstdc++/libgcc_s, glibc skew "
                             "between stages, shell form without a shell, named users without /etc/passwd, native "
                             "packages on Alpine.", EXAMPLES)
    p.add_argument(POSITIONAL, nargs="+", metavar="DOCKERFILE", help="Dockerfiles to check ('-' reads standard input)")
    add_options(p, OPTIONS)
    return p


def run(args, env: Env) -> int:
    ignore = [i.strip() for item in args.ignore for i in item.split(",") if i.strip()]
    if args.context and not os.path.isdir(args.context):
        raise UsageError(f"--context {args.context}: not a directory")
    rb = load_rulebase(args.rules)
    knowledge = rb.knowledge
    known = {*knowledge.lints, *(r.name for r in knowledge.lints.values())}
    unknown = [i for i in ignore if i.upper() not in known and i not in known]
    if unknown:
        raise UsageError(f"--ignore: unknown rule {', '.join(unknown)} (lint rules: {', '.join(knowledge.lints)})")
    try:
        import kb.evidence.dockerfile_parse  # noqa: F401 - needs the `dockerfile` package (BuildKit's parser)
    except ImportError as e:
        raise UsageError(f"lint needs the 'dockerfile' package (pip install dockerfile): {e}") from None
    results = _lint(rb, args, env, ignore)
    if args.format in ("json", "sarif"):
        from ..jsontext import dumps  # not at import: a text lint of one file does not load json
    if args.format == "json":
        write_output(dumps(_json(results)) + "\n", args, env)
    elif args.format == "sarif":
        write_output(dumps(sarif(rb.catalog(), results)) + "\n", args, env)
    else:
        write_output(text(results, quiet=args.quiet), args, env)
        for r in results:
            if r.error:
                env.stderr.write(safe_text(f"Error: {_where(r.error)}: {r.error['message']}") + "\n")
    if any(r.error for r in results):
        return ExitStatus.USAGE
    if any(f.severity == "error" for r in results for f in r.findings):
        return ExitStatus.NO_PLAN
    return ExitStatus.OK


def _lint(rb, args, env: Env, ignore: list[str]):
    """One LintResult per file argument, in their order; `-` is standard input, its build context the current
    directory."""
    from kb import LintResult

    files = [f for f in args.files if f != "-"]
    results = iter(rb.lint(files, context=args.context, use_context=not args.no_context, ignore=ignore))
    out = []
    for f in args.files:
        if f != "-":
            out.append(next(results))
            continue
        data = env.stdin.read(MAX_STDIN + 1)
        try:
            if isinstance(data, bytes):
                data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            out.append(LintResult(file="-", error=_stdin_error(f"not UTF-8 text (byte {e.start})", "malformed")))
            continue
        if len(data) > MAX_STDIN:
            out.append(LintResult(file="-", error=_stdin_error(
                f"standard input is larger than the {MAX_STDIN}-byte cap", "too-large")))
            continue
        out += rb.lint(text=data, file="-", context=args.context or os.getcwd(), use_context=not args.no_context,
                       ignore=ignore)
    return out


def _stdin_error(message: str, reason: str) -> dict:
    return {"path": "-", "message": message, "reason": reason, "line": None}


def _where(error: dict) -> str:
    where = error.get("path") or "-"
    return f"{where}:{error['line']}" if error.get("line") else where


def text(results, *, quiet: bool = False) -> str:
    lines = []
    for r in results:
        for f in r.findings:
            lines.append(f"{f.file}:{f.line} {f.rule} {f.severity}: {f.message}")
            if not quiet and f.fix:
                lines.append(f"  fix: {f.fix}")
    return "".join(safe_text(line) + "\n" for line in lines)  # a Dockerfile's escape sequences are shown, not run


def _json(results) -> dict:
    counts = {"error": 0, "warning": 0, "info": 0}
    for r in results:
        for f in r.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    return {"tool": "minimage-ask lint", "version": VERSION,
            "files": [r.to_dict() for r in results],
            "summary": {**counts, "unreadable": sum(1 for r in results if r.error)}}


def _uri(path: str) -> str:
    if path == "-":
        return "stdin"
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")


def sarif(catalog, results) -> dict:
    """SARIF 2.1.0: one run, the rule metadata from the catalogue (kb.catalog), one result per finding."""
    rules = [catalog.detail(e) for e in catalog.rules() if e.kind == "lint" and e.status == "active"]
    index = {r.id: i for i, r in enumerate(rules)}
    driver_rules = [{
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.why or r.summary},
        "help": {"text": r.fix.get("default", ""),
                 "markdown": "**Fix:** " + r.fix.get("default", "") + "\n\nSources: " + ", ".join(r.sources)},
        "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
        "properties": {"tags": ["docker", "libc", "minimage"], "sources": list(r.sources)},
    } for r in rules]
    out_results = []
    notifications = []
    for res in results:
        if res.error:
            notifications.append({
                "level": "error",
                "message": {"text": f"{_where(res.error)}: {res.error['message']}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(res.file)},
                                                    **({"region": {"startLine": res.error["line"]}}
                                                       if res.error.get("line") else {})}}]})
            continue
        for f in res.findings:
            item = {
                "ruleId": f.rule,
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.message}. Fix: {f.fix}" if f.fix else f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.file)},
                                                    "region": {"startLine": f.line}}}],
                "properties": {"fix": f.fix, "sources": list(f.sources)},
            }
            if f.rule in index:
                item["ruleIndex"] = index[f.rule]
            out_results.append(item)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "minimage-ask", "version": VERSION, "semanticVersion": VERSION,
                                "rules": driver_rules}},
            "results": out_results,
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
        }],
    }
