"""What reading one rule file's sections added to the knowledge, as plain data and back, for
kb/loader/filecache.py: records per id, plain data per key, the image families a layer puts first, the native
packages, the problems, where each id was defined and the rules waiting for the cross-checks (by the lines of their
conditions and conclusions). Reading it back checks every value's type and every record's arity, as kb/cache.py
does: what is not exactly what `delta` writes is refused (BadEntry), never used."""
from __future__ import annotations

import marshal

from ..cache import BadEntry, _check_plain, _checksum, _decode_record, _encode_plain, _encode_record
from ..errors import Problem
from ..model import Knowledge

# Knowledge fields by how one file's reading adds to them: a record per id, plain data per key, the image families
# (a layer's are put before those read earlier), and the native packages (per ecosystem, then per name)
RECORD_MAPS = {"questions": "Question", "images": "Image", "strategies": "Strategy", "changes": "Change",
               "caveats": "Caveat", "rules": "Rule", "lints": "LintRule", "diagnoses": "Diagnosis"}
PLAIN_MAPS = ("derived", "evidence", "releases", "libraries", "image_aliases")
_MISSING = object()


def fields_added(delta: tuple) -> tuple[tuple[str, str], ...]:
    """Each field of the knowledge a file's delta (as `delta` makes it) adds to, with the digest of what it adds."""
    records, plain, natives, default_debian, families = delta[:5]
    parts = {**records, **plain, "native_packages": natives, "default_debian": default_debian,
             "image_families": families}
    return tuple((name, _checksum(marshal.dumps(part))) for name, part in parts.items() if part)


def _added(before: dict, after: dict) -> dict:
    """The keys of `after` that are new or hold another object than in `before`, in `after`'s order."""
    return {k: v for k, v in after.items() if before.get(k, _MISSING) is not v}


def delta(before: tuple, kb: Knowledge, problems: list, origin: dict, pending: list) -> tuple[tuple, list]:
    """What reading one file added since `before` (a `FileCache.snapshot`), in plain data; and each record added
    with its plain form. TypeError if the reading did anything a replay could not repeat (removed or reordered)."""
    maps, natives, default_debian, families, n_problems, old_origin, n_pending = before
    now = kb.image_families
    added_families = now[:len(now) - len(families)]
    if len(now) < len(families) or any(a is not b for a, b in zip(now[len(added_families):], families)):
        raise TypeError("a file's reading changed the image families read before it")  # never cached, then
    for name in (*RECORD_MAPS, *PLAIN_MAPS):
        if not set(maps[name]) <= getattr(kb, name).keys():
            raise TypeError(f"a file's reading removed from {name}")
    added = {name: _added(maps[name], getattr(kb, name)) for name in RECORD_MAPS}
    records = {name: {k: _encode_record(v) for k, v in table.items()} for name, table in added.items() if table}
    encoded_families = [_encode_record(f) for f in added_families]
    plain = {name: _encode_plain(table) for name in PLAIN_MAPS for table in [_added(maps[name], getattr(kb, name))]
             if table}
    native = {eco: _encode_plain(_added(natives.get(eco, {}), names)) for eco, names in kb.native_packages.items()
              if eco not in natives or _added(natives[eco], names)}
    delta = (records, plain, native, kb.default_debian if kb.default_debian != default_debian else None,
             encoded_families, [tuple(p) for p in problems[n_problems:]],
             [(section, ident, where) for (section, ident), where in _added(old_origin, origin).items()],
             [_pending_lines(rule, when, then) for rule, when, then in pending[n_pending:]])
    encoded = [(added[name][k], raw) for name, table in records.items() for k, raw in table.items()]
    return delta, encoded + list(zip(added_families, encoded_families))


def _pending_lines(rule, when: list, then: list) -> tuple:
    """A rule waiting for the cross-checks, as its id and the lines of its conditions and conclusions: the conditions
    and conclusions themselves are the rule's own (`Rule.when`, `Rule.then`)."""
    if tuple(c for c, _ in when) != rule.when or tuple((n, v) for n, v, _ in then) != rule.then:
        raise TypeError(f"rule {rule.id} waits with other conditions than its own")  # never cached, then
    return rule.id, [line for _, line in when], [line for _, _, line in then]


def _text(value) -> bool:
    return type(value) is str


def decode_delta(delta) -> tuple:
    """The delta `delta` wrote, as records and checked plain data; BadEntry for anything else."""
    if type(delta) is not tuple or len(delta) != 8:
        raise BadEntry("not a rule file's delta")
    records, plain, natives, default_debian, families, problems, origin, pending = delta
    if type(records) is not dict or not set(records) <= set(RECORD_MAPS) or type(plain) is not dict \
            or not set(plain) <= set(PLAIN_MAPS) or type(natives) is not dict:
        raise BadEntry("not the sections of a rule file")
    out_records = {}
    for name, added in records.items():
        if type(added) is not dict or not all(map(_text, added)):
            raise BadEntry(f"{name} is not a mapping of ids")
        out_records[name] = {k: _decode_record(RECORD_MAPS[name], v) for k, v in added.items()}
    for name, added in plain.items():
        if type(added) is not dict:
            raise BadEntry(f"{name} is not a mapping")
        _check_plain(added)
    for eco, added in natives.items():
        if not _text(eco) or type(added) is not dict:
            raise BadEntry("native packages are not a mapping per ecosystem")
        _check_plain(added)
    if default_debian is not None and not _text(default_debian):
        raise BadEntry("default_debian is not text")
    if type(families) is not list:
        raise BadEntry("image families are not a list")
    out_families = [_decode_record("ImageFamily", f) for f in families]
    if type(problems) is not list or not all(
            type(p) is tuple and len(p) == 4 and _text(p[0]) and type(p[1]) is int and _text(p[2]) and _text(p[3])
            for p in problems):
        raise BadEntry("problems are not (file, line, id, message)")
    if type(origin) is not list or not all(type(o) is tuple and len(o) == 3 and all(map(_text, o)) for o in origin):
        raise BadEntry("origins are not (section, id, where)")
    out_pending = []
    rules = out_records.get("rules", {})
    if type(pending) is not list:
        raise BadEntry("pending rules are not a list")
    for item in pending:
        if type(item) is not tuple or len(item) != 3 or item[0] not in rules:
            raise BadEntry("a pending rule is not (id of a rule of this file, lines, lines)")
        rid, when, then = item
        rule = rules[rid]
        if type(when) is not list or type(then) is not list or len(when) != len(rule.when) \
                or len(then) != len(rule.then) or not all(type(n) is int for n in (*when, *then)):
            raise BadEntry(f"the lines of pending rule {rid} are not one per condition and conclusion")
        out_pending.append((rule, list(zip(rule.when, when)),
                            [(name, value, line) for (name, value), line in zip(rule.then, then)]))
    return (out_records, plain, natives, default_debian, out_families, [Problem(*p) for p in problems],
            {(s, i): w for s, i, w in origin}, out_pending)
