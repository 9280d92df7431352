"""Issue 13: could a faster YAML parser load the knowledge? Not a test: run by hand.

    .venv/bin/python benchmarks/bench_yaml.py [ROUNDS]

Reads the shipped rule files (rules.yaml and knowledge/*.yaml, as kb.load reads them) and times, interleaved
round after round (medians):

  compose      libyaml composing the files (PyYAML's CBaseLoader): the baseline of the README's load figure
  ours         kb.yamlfile.parse_yaml: libyaml's composer plus our walk, keeping every line for messages
  load         kb.load(cache=False): read + validate, the README's figure; `load - ours` is what validation costs

and, when rapidyaml is installed (`pip install rapidyaml`; the module is `ryml`; it is not a dependency):

  ryml         ryml.parse_in_arena alone: the C++ parser, no Python values
  ryml+walk    the same plus the leanest walk of its tree we could write through its Python binding, giving the
               values kb.yamlfile gives (1.2 core-schema plain scalars, quoted text) but no line numbers at all
  ryml+keys    ryml+walk, plus the line of every key found through the addresses of its scalars (no mapping or list
               item lines yet): the least that exact lines would add
  ryml+json    ryml's JSON emitter read back with the json module: values only, and lossy (a plain `True` or `~`
               comes back as text, a plain `+1` is emitted unquoted and is not JSON)

It also checks that ryml+walk gives the values ours gives (lines aside), so the figure is for a faithful walk.
"""
from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import kb  # noqa: E402
from kb.loader import load_knowledge  # noqa: E402
from kb.yamlfile import _PLAIN, _scalar, parse_yaml  # noqa: E402

try:
    import ryml
    import ryml._ryml as _R
except ImportError:  # rapidyaml is optional here
    ryml = None


def _ryml_walker():
    """A walk of a ryml tree to Python values, calling the SWIG functions directly (the Tree methods add a Python
    call each). Plain scalars are resolved as kb.yamlfile._scalar resolves them."""
    first, following, typ, key, val = (_R.Tree_first_child, _R.Tree_next_sibling, _R.Tree_type, _R.Tree_key,
                                       _R.Tree_val)
    none, is_map, is_seq, plain_val, plain_key = ryml.NONE, _R.MAP, _R.SEQ, _R.VAL_PLAIN, _R.KEY_PLAIN

    class Node:  # the two fields kb.yamlfile._scalar reads
        __slots__ = ("value", "style")

    probe = Node()

    def text(view, plain: bool):
        value = "" if view is None else str(view, "utf-8")
        if not plain:
            return value
        if value in _PLAIN:
            return _PLAIN[value]
        probe.value, probe.style = value, None
        return _scalar(probe)

    def walk(tree, node: int, locate=None):
        """The value of `node`; `locate`, when given, is called with each key's text in document order."""
        t = typ(tree, node)
        if t & is_map:
            out = {}
            c = first(tree, node)
            while c != none:
                kt = typ(tree, c)
                k = key(tree, c)
                if locate is not None:
                    locate(k)
                out[str(text(k, bool(kt & plain_key)))] = walk(tree, c, locate)
                c = following(tree, c)
            return out
        if t & is_seq:
            out = []
            c = first(tree, node)
            while c != none:
                out.append(walk(tree, c, locate))
                c = following(tree, c)
            return out
        return text(val(tree, node), bool(t & plain_val))

    def document(tree) -> int:
        root = tree.root_id()
        return first(tree, root) if typ(tree, root) & _R.STREAM else root  # a stream of one document

    def read(data: bytes):
        tree = ryml.parse_in_arena(data)
        return walk(tree, document(tree))

    same = _R._same_ptr

    def read_with_key_lines(data: bytes):
        """As read, and also the line of every key, as the binding offers no locations: parsed in place in a copy
        of the text, each key's text is searched for from the previous key on, and the occurrence whose address
        is the key's (ryml._same_ptr) gives the offset; lines are counted between one key and the next."""
        buf = bytearray(data)
        view = memoryview(buf)
        tree = ryml.parse_in_place(buf)
        cursor = line = 0
        lines = []

        def locate(k) -> None:
            nonlocal cursor, line
            raw = bytes(k)
            at = data.find(raw, cursor)
            while at >= 0 and not same(k, view[at:at + 1]):
                at = data.find(raw, at + 1)
            if at < 0:
                raise LookupError("key not found in the text")
            line += data.count(b"\n", cursor, at)
            cursor = at + len(raw)
            lines.append(line + 1)

        return walk(tree, document(tree), locate), lines

    return read, read_with_key_lines


def _plain(value):
    """Located mappings as plain dicts, lines dropped."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _key_lines(value, out=None) -> list[int]:
    """The line of every key, in document order."""
    out = [] if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(value.key_lines[k])
            _key_lines(v, out)
    elif isinstance(value, list):
        for v in value:
            _key_lines(v, out)
    return out


def _count(value) -> int:
    if isinstance(value, dict):
        return 1 + sum(1 + _count(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_count(v) for v in value)
    return 1


def main(rounds: int) -> None:
    files = [f for f in load_knowledge().files if f.endswith((".yaml", ".yml"))]
    datas = [Path(f).read_bytes() for f in files]
    texts = [d.decode("utf-8") for d in datas]
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    sides = {
        "compose": lambda: [yaml.compose(t, Loader=loader) for t in texts],
        "ours": lambda: [parse_yaml(t) for t in texts],
        "load": lambda: kb.load(cache=False),
    }
    if ryml is not None:
        read, read_lines = _ryml_walker()
        ours = [_plain(parse_yaml(t)) for t in texts]
        theirs = [read(d) for d in datas]
        same = sum(a == b for a, b in zip(ours, theirs))
        keyed = [read_lines(d) for d in datas]
        lines_ok = sum(_key_lines(parse_yaml(t)) == k[1] for t, k in zip(texts, keyed))
        print(f"ryml with located keys: the line of every key is ours in {lines_ok} of {len(files)} files")
        print(f"ryml {ryml.version}: its walk gives our values (lines aside) for {same} of {len(files)} files")
        del ours, theirs  # a large live object graph makes every collection slower, and the timings with it
        sides.update({
            "ryml": lambda: [ryml.parse_in_arena(d) for d in datas],
            "ryml+walk": lambda: [read(d) for d in datas],
            "ryml+keys": lambda: [read_lines(d) for d in datas],
            "ryml+json": lambda: [json.loads(ryml.emit_json(ryml.parse_in_arena(d))) for d in datas],
        })
    nodes = sum(_count(_plain(parse_yaml(t))) for t in texts)
    print(f"{len(files)} files, {sum(map(len, datas)) // 1024} KiB, about {nodes:,} values; {rounds} rounds")
    gc.collect()
    times: dict[str, list[float]] = {k: [] for k in sides}
    names = list(sides)
    for r in range(rounds + 1):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            sides[name]()
            if r:  # the first round warms up
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["compose"])
    for name in names:
        m = statistics.median(times[name])
        print(f"  {name:10} {m * 1e3:7.1f} ms  ({m / base:.2f}x compose)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
