"""Results kept across processes (kb/result_store.py): a command run again with the same answers gets the same
result without inference; never a stale one, never one from a file that is not exactly what we write."""
import io
import marshal
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import kb
from kb import result_store
from shell.cli import Env, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GO = {"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes"}


def _entries(directory):
    return sorted(p for p in os.listdir(directory) if p.startswith(result_store.PREFIX))


def _stored(d, answers, evidence=()):
    """(the result a fresh process would compute, the one it would read back) through a store in `d`."""
    first = kb.load(cache_dir=d, keep_results=True).session(answers, evidence).result()
    again = kb.load(cache_dir=d, keep_results=True).session(answers, evidence).result()
    return first, again


def test_a_stored_result_is_the_result(tmp_path):
    d = tmp_path / "c"
    plain = kb.load(cache=False)
    rng = random.Random(7)
    cases = [GO, {"language": "python"}, {"language": "c", "static_ok": "no"}]
    cases += [{q.id: rng.choice(list(q.choices)) for q in plain.questions} for _ in range(20)]
    for answers in cases:
        first, again = _stored(d, answers)
        assert again == first == plain.consult(answers)
        assert again.to_dict() == first.to_dict()
        assert [p.dockerfile for p in again.plans] == [p.dockerfile for p in first.plans]
    assert len(_entries(d)) == len(cases)


def test_evidence_is_part_of_the_key(tmp_path):
    d = tmp_path / "c"
    rb = kb.load(cache_dir=d, keep_results=True)
    seen = rb.inspect(sys.executable)  # a real dynamically linked glibc binary
    first, again = _stored(d, {}, seen.evidence)
    assert again == first and any(j.source == "evidence" for j in again.facts)
    without = kb.load(cache_dir=d, keep_results=True).session({}).result()
    assert without != again


def test_answers_in_another_order_are_the_same_entry_and_the_same_result(tmp_path):
    d = tmp_path / "c"
    _stored(d, GO)
    reordered = dict(reversed(list(GO.items())))
    first, again = _stored(d, reordered)
    assert again == first == kb.load(cache=False).consult(reordered) == kb.load(cache=False).consult(GO)
    assert len(_entries(d)) == 1


# a user's layer with an in-house image (tests/rulefiles/my-image.yaml), its size changed between two runs
LAYER = (Path(ROOT) / "tests" / "rulefiles" / "my-image.yaml").read_text().replace("size_mb: 1.5", "size_mb: SIZE")


NO_SHELL = {**GO, "needs_shell": "no"}


def test_a_changed_rule_file_never_gets_the_old_result(tmp_path):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    layer.write_text(LAYER.replace("SIZE", "50"))
    first, again = _stored(d, NO_SHELL)
    assert again == first and first.best.final_image != "registry.example.com/base/glibc-tiny:1"
    before = kb.load(str(layer), cache_dir=d, keep_results=True).consult(NO_SHELL)
    assert before.best.final_image == first.best.final_image
    layer.write_text(LAYER.replace("SIZE", "0.5"))  # the same answers; now the in-house image is the smallest
    after = kb.load(str(layer), cache_dir=d, keep_results=True).consult(NO_SHELL)
    assert after.best.final_image == "registry.example.com/base/glibc-tiny:1"
    assert kb.load(cache_dir=d, keep_results=True).consult(NO_SHELL) == first  # without the layer: the first result


def test_entries_that_are_not_ours_are_ignored(tmp_path):
    d = tmp_path / "c"
    first, _ = _stored(d, GO)
    [name] = _entries(d)
    path = d / name
    good = path.read_bytes()
    payloads = {
        "torn": good[: len(good) // 2],
        "flipped": good[:-10] + bytes([good[-10] ^ 1]) + good[-9:],
        "another format": b"minimage-result-0\n" + good.split(b"\n", 1)[1],
    }
    # a valid checksum around records this code does not write, or the right key around a code object
    text = kb.load(cache_dir=d, keep_results=True)._store._key(GO, ())[0]
    for label, data in {"unknown record": (b"Exploit", 1), "wrong arity": (b"Fact", "a"),
                        "code": compile("open('PWNED','w')", "x", "exec")}.items():
        try:
            body = marshal.dumps((text, data))
        except ValueError:
            continue
        payloads[label] = result_store.FORMAT + result_store._checksum(body).encode() + b"\n" + body
    for label, blob in payloads.items():
        path.write_bytes(blob)
        again = kb.load(cache_dir=d, keep_results=True).consult(GO)
        assert again == first, label
        assert path.read_bytes() != blob or label == "code", label  # recomputed and stored again
    assert not (tmp_path / "PWNED").exists()


def test_a_fifo_or_a_link_where_the_entry_goes_is_not_followed(tmp_path):
    d = tmp_path / "c"
    first, _ = _stored(d, GO)
    [name] = _entries(d)
    path = d / name
    os.unlink(path)
    os.mkfifo(path)  # reading it would hang
    assert kb.load(cache_dir=d, keep_results=True).consult(GO) == first
    assert path.is_file() and not path.is_symlink()
    target = tmp_path / "elsewhere"
    target.write_bytes(b"keep me")
    os.unlink(path)
    os.symlink(target, path)
    assert kb.load(cache_dir=d, keep_results=True).consult(GO) == first
    assert target.read_bytes() == b"keep me" and not path.is_symlink()


def test_the_store_is_bounded_and_off_when_asked(tmp_path, monkeypatch):
    d = tmp_path / "c"
    monkeypatch.setattr(result_store, "KEEP", 3)
    for language in ("go", "c", "rust", "python", "node", "java"):
        kb.load(cache_dir=d, keep_results=True).consult({"language": language})
    assert len(_entries(d)) == 3
    e = tmp_path / "off"
    kb.load(cache_dir=e).consult(GO)  # a library user's rule base keeps results in memory only
    monkeypatch.setenv("MINIMAGE_NO_CACHE", "1")
    kb.load(cache_dir=e, keep_results=True).consult(GO)
    assert not _entries(e)


def test_a_directory_that_cannot_be_written_changes_nothing(tmp_path):
    d = tmp_path / "c"
    kb.load(cache_dir=d)  # the knowledge is cached; then the directory becomes a file: nothing can be written
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    result = kb.load(cache_dir=blocked, keep_results=True).consult(GO)
    assert result == kb.load(cache=False).consult(GO)


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=False))
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_answers_again_without_inference(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIMAGE_CACHE_DIR", str(tmp_path))
    argv = ["--format", "json"] + [a for k, v in GO.items() for a in ("--answer", f"{k}={v}")]
    first = _run(*argv)
    assert first[0] == 0 and _entries(tmp_path)
    # a fresh process: the same output, and durable-rules never imported
    code = textwrap.dedent(f"""
        import io, sys
        from shell.cli import Env, main
        out = io.StringIO()
        status = main({argv!r}, Env(stdin=io.StringIO(), stdout=out, stderr=sys.stderr, stdin_isatty=False))
        sys.stdout.write(f"{{status}} {{bool({{'durable', 'durable_rules_engine'}} & set(sys.modules))}}\\n" + out.getvalue())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "MINIMAGE_CACHE_DIR": str(tmp_path)})
    status, _, output = proc.stdout.partition("\n")
    assert status == "0 False", proc.stderr
    assert output == first[1]
