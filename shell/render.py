"""Text renderings of the library's data objects. Pure functions: data in, text out."""
from __future__ import annotations

from kb.model import UNKNOWN, Plan, Question, Result, Rule

from .jsontext import dumps

TYPE_CHECKING = False
if TYPE_CHECKING:  # only annotations: a consultation never imports kb.explain
    from kb.explain import HowNode, WhyAnswer

SHOWN_PLANS = 5


def _wrap(text: str, indent: str, width: int = 100) -> str:
    import textwrap  # here: JSON and Dockerfile output never wrap text

    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def gives(plan: Plan) -> str:
    p = plan.provides

    def have(value, name: str) -> str:
        return f"{name} (added)" if value == "added" else name if value else f"no {name}"

    parts = [
        f"shell: {p['shell']}",
        f"package manager: {p['package_manager']}",
        have(p["ca_certificates"], "CA certificates"),
        "UTC only" if p["tzdata"] == "utc-only" else have(p["tzdata"] != "no" and p["tzdata"], "tzdata"),
        have(p["passwd"], "/etc/passwd"),
        f"libc: {p['libc']}",
    ]
    return ", ".join(parts)


def plan_summary(plan: Plan) -> str:
    return f"{plan.rank:>2}. {plan.final_image:<44} ~{plan.size_mb:>6.2f} MB  {plan.strategy_title}"


def plan_text(plan: Plan, *, justification: bool = True, dockerfile: bool = True) -> str:
    out = [f"Plan {plan.rank}: {plan.final_image}  (~{plan.size_mb:g} MB, {plan.size_note})",
           f"  build image: {plan.build_image or 'none (nothing is built)'}",
           f"  strategy:    {plan.strategy_title}",
           _wrap(f"platform:    linux/{plan.platform} (the Dockerfile serves "
                 f"{', '.join('linux/' + p for p in plan.platforms) or 'linux/' + plan.platform})", "  ")]
    if plan.changes:
        out.append("  changes:")
        for step in plan.changes:
            instruction = step.instruction or f"go build -tags {','.join(step.go_tags)}"
            out.append(f"    {instruction}")
            out.append(_wrap(f"-> {step.why}", "       "))
    out.append(_wrap(f"gives: {gives(plan)}", "  ").replace("  gives:", "  gives:", 1))
    for caveat in plan.caveats:
        out.append(_wrap(f"caveat: {caveat}", "  "))
    for tradeoff in plan.tradeoffs:
        out.append(f"  trade-off: {tradeoff}")
    if plan.image_notes:
        out.append(_wrap(f"note: {plan.image_notes}", "  "))
    if justification:
        out.append("  why:")
        for r in plan.justification:
            out.append(f"    {r.rule_id} {r.name}: {r.conclusion}")
            out.append(_wrap(f"{r.summary} [{', '.join(r.sources)}]", "          "))
    if dockerfile:
        out.append("  Dockerfile:")
        out += [f"    {line}" if line else "" for line in plan.dockerfile.splitlines()]
    return "\n".join(out)


def result_text(result: Result, *, plans: int = SHOWN_PLANS) -> str:
    out: list[str] = [_wrap(f"Warning: {w}", "") for w in result.warnings]
    if not result.plans:  # the other assumptions cannot matter then (--format json still lists them)
        out.append("No viable plan.")
        out.append(_wrap(result.no_plan_reason, "  "))
        return "\n".join(out)
    if result.assumptions:
        out.append("Assumed (answered unknown or not asked):")
        for a in result.assumptions:
            out.append(_wrap(f"{a.fact} = {a.assumed}: {a.reason}", "  "))
        out.append("")
    out.append(f"Recommended: {result.best.final_image}")
    out.append(plan_text(result.best))
    others = result.plans[1:plans]
    if others:
        out += ["", "Other plans (smallest first; at nearly the same size, the current Debian and runtime releases "
                    "first):"]
        out += [plan_summary(p) for p in others]
        if len(result.plans) > plans:
            out.append(f"    ... and {len(result.plans) - plans} more (--format json lists them all)")
    return "\n".join(out)


def result_json(result: Result) -> str:
    return dumps(result.to_dict())


def evidence_text(seen) -> str:
    """What `inspect` saw (a kb.InspectResult): each fact with the file that shows it, then what it could not read.
    Paths and notes come from the user's files: control characters are shown escaped, never sent to the terminal."""
    from kb.files import safe_text

    lines = [f"  {str(j.fact):<36} {safe_text(j.note)}" for j in seen.evidence]
    if not lines:
        lines = ["  nothing that settles a question" + (" in what was read (see the warnings)" if seen.warnings
                                                        else "")]
    lines += [f"  warning: {safe_text(str(w))}" for w in seen.warnings]
    return "\n".join([f"Evidence from {seen.kind} {safe_text(seen.path)}:", *lines])


def how_text(nodes: list[HowNode]) -> str:
    lines: list[str] = []

    def walk(node: HowNode, depth: int) -> None:
        pad = "  " * depth
        left = f"{pad}{node.fact}"
        if node.source == "rule":
            right = f"by {node.rule_id} {node.rule_name}"
        elif node.source == "user":
            right = "you answered"
        elif node.source == "assumption":
            right = f"assumed: {node.note}"
        elif node.source == "evidence":
            right = f"seen in {node.note}"
        elif node.source == "check":
            right = f"{node.rule_id} {node.rule_name}: {node.note}"
        else:
            right = node.note or node.source
        lines.append(f"{left:<44} {right}")
        if node.source == "rule" and depth == 0:
            lines.append(_wrap(f"{node.summary} [{', '.join(node.sources)}]", pad + "    "))
        for p in node.premises:
            walk(p, depth + 1)

    for n in nodes:
        walk(n, 0)
    return "\n".join(lines)


def why_text(why: WhyAnswer) -> str:
    if not why.rules:
        return f"No rule waits on '{why.question}' any more: its answer cannot change the outcome."
    out = [f"I ask '{why.text}' because:"]
    for w in why.rules:
        out.append(f"  {w.rule_id} {w.name} would conclude {', '.join(w.concludes)}")
        if w.known:
            out.append(f"    already known: {'; '.join(w.known)}")
        out.append(f"    still needed:  {'; '.join(w.missing)}")
        out.append(_wrap(w.summary, "    "))
    return "\n".join(out)


def lint_rule_text(rule) -> str:
    """An MI4xx lint rule (kb.model.LintRule) in full."""
    out = [f"{rule.id} {rule.name} ({rule.severity}, minimage-ask lint)" + (" (removed)" if rule.status == "removed" else ""),
           _wrap(rule.summary, "  "),
           _wrap(f"why: {rule.why}", "  "),
           _wrap(f"says: {rule.message}", "  ")]
    out += [_wrap(f"fix{'' if v == 'default' else f' ({v})'}: {text}", "  ") for v, text in rule.fix.items()]
    out += [f"  sources: {', '.join(rule.sources)}", f"  defined at: {rule.file}:{rule.line}"]
    return "\n".join(out)


def diagnosis_text(d) -> str:
    """An MI5xx diagnosis (kb.model.Diagnosis) in full."""
    out = [f"{d.id} {d.name} (minimage-ask diagnose)", _wrap(f"cause: {d.cause}", "  "), _wrap(f"fix: {d.fix}", "  ")]
    out += [f"  matches: {p}" for p in d.patterns]
    if d.rules:
        out.append(f"  rules: {', '.join(d.rules)}")
    if d.implies:
        out.append("  shows: " + ", ".join(f"{k} = {v}" for k, v in d.implies.items()))
    out += [f"  sources: {', '.join(d.sources)}", f"  defined at: {d.file}:{d.line}"]
    return "\n".join(out)


def rule_text(rule: Rule) -> str:
    """An inference rule or planner check in full."""
    when = ", ".join(c.describe() for c in rule.when) if rule.when else f"checked for every plan ({rule.check})"
    then = ", ".join(f"{n} = {v}" for n, v in rule.then) if rule.then else "rejects images that fail it"
    out = [f"{rule.id} {rule.name}" + (" (removed)" if rule.status == "removed" else ""),
           _wrap(rule.summary, "  "),
           f"  when: {when}",
           f"  then: {then}",
           _wrap(f"why: {rule.why}", "  "),
           f"  sources: {', '.join(rule.sources)}",
           f"  defined at: {rule.file}:{rule.line}"]
    return "\n".join(out)


def entry_text(catalog, entry) -> str:
    """Any entry of the catalogue (kb.catalog): a rule of any kind, a shipped source, a public citation."""
    if entry.kind in ("infer", "check"):
        return rule_text(catalog.detail(entry))
    if entry.kind == "lint":
        return lint_rule_text(catalog.detail(entry))
    if entry.kind == "diagnose":
        return diagnosis_text(catalog.detail(entry))
    if entry.kind == "source":
        out = [f"{entry.id}: {entry.summary}", f"  ({entry.defined_at}, shipped with minimage-ask)", ""]
        out += [f"  {line}" if line else "" for line in entry.why.splitlines()]
    else:
        out = [f"{entry.id}  (a public document)"]
    if entry.links:
        out += ["", "  links:"] + [f"    {link}" for link in entry.links]
    if entry.cited_by:
        out += ["", _wrap(f"cited by: {', '.join(entry.cited_by)}", "  ")]
    return "\n".join(out)


def rules_markdown(catalog) -> str:
    """docs/rules.md: the whole catalogue, generated (`minimage-ask rules --format markdown`)."""
    from kb.catalog import KINDS

    out = ["# Rules and sources", "",
           "Generated by `minimage-ask rules --format markdown > docs/rules.md` from the knowledge base; do not edit.",
           "`minimage-ask rules ID` shows any entry in full.", ""]
    for kind in ("infer", "check", "lint", "diagnose"):
        entries = [e for e in catalog.rules() if e.kind == kind]
        out += [f"## {KINDS[kind][0].upper()}{KINDS[kind][1:]}s", "", "| id | name | summary | sources |",
                "|---|---|---|---|"]
        out += [f"| {e.id} | {e.name}{' (removed)' if e.status == 'removed' else ''} | {_cell(e.summary)} | "
                f"{_cell(', '.join(e.sources))} |" for e in entries]
        out.append("")
    out += ["## Sources shipped with minimage-ask (docs/sources)", "", "| id | title | cited by |", "|---|---|---|"]
    out += [f"| {e.id} | {_cell(e.summary)} | {_cell(', '.join(e.cited_by))} |" for e in catalog.sources()]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table(entries) -> str:
    return "\n".join(f"{e.id}  {e.name:<44} {e.summary}" for e in entries)


# -- the chat shell's texts (shell/chat.py) ------------------------------------------------------------------------------


def question_text(q: Question) -> str:
    """A question with its legal answers, each with what it means; `unknown` last, with what it would assume."""
    width = max(len(v) for v in [*q.choices, UNKNOWN])
    out = [q.text]
    out += [f"  {value:<{width}}  {meaning}" for value, meaning in q.choices.items()]
    assume = f"assume {q.if_unknown}: {q.unknown_reason}" if q.if_unknown else f"no safe guess: {q.unknown_reason}"
    out.append(f"  {UNKNOWN:<{width}}  {assume}")
    return "\n".join(out)


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def invalid_answer_text(q: Question, raw: str) -> str:
    return (f"'{clip(raw.strip())}' is not an answer to {q.id}. Choose one of: {', '.join(q.legal())}. "
            "(? for help, why for the reason I ask)")


def legal_answers_text(q: Question) -> str:
    """`?` at a question: the legal answers with their meaning, the aliases understood, and the question's help."""
    out = [f"{q.id}: {question_text(q)}"]
    if q.aliases:
        out.append("  also understood: " + ", ".join(f"{a} ({v})" for a, v in q.aliases.items()))
    if set(q.choices) == {"yes", "no"}:
        out.append("  also understood: y, n")
    if q.help:
        out.append(_wrap(q.help, "  "))
    return "\n".join(out)


def answers_text(answers: dict[str, str]) -> str:
    if not answers:
        return "No answers yet."
    width = max(len(f) for f in answers)
    return "\n".join(f"  {fact:<{width}} = {value}" for fact, value in answers.items())


def commands_text(commands: list[tuple[str, str]]) -> str:
    """(usage, one-line help) pairs as an aligned list."""
    width = max(len(u) for u, _ in commands)
    return "Commands:\n" + "\n".join(f"  {usage:<{width}}  {text}" for usage, text in commands)
