"""Class: a cache directory someone else controls (shared, restored, planted): it must never run code, hang, or
serve knowledge that does not match the files; the directory is injectable and does not grow for ever."""
import marshal
import os
import pickle
from pathlib import Path

import kb
from kb import cache
from kb.loader import filecache, load_knowledge, rule_files
from kb.model import Knowledge


class Boom:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def _entry(directory):
    [entry] = [p for p in os.listdir(directory) if p.endswith(cache.SUFFIX)]
    return os.path.join(directory, entry)


def test_a_planted_pickle_or_code_object_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "cache"
    kb.load(cache_dir=d)
    entry = _entry(d)
    # a pickle under the entry's name (the old format): must not be unpickled
    with open(entry, "wb") as f:
        f.write(pickle.dumps(Boom()))
    assert kb.load(cache_dir=d).knowledge.rules
    # our own framing around a marshalled code object, with a valid checksum: refused by the type checks
    payload = marshal.dumps(((), {"files": [], "rules": {"MI101": compile("open('PWNED','w')", "x", "exec")}}))
    with open(entry, "wb") as f:
        f.write(cache.FORMAT + cache._checksum(payload).encode() + b"\n" + payload)
    assert cache._read_entry(entry) is None
    assert kb.load(cache_dir=d).knowledge.rules
    assert not (tmp_path / "PWNED").exists()


def test_every_record_and_value_is_type_checked(tmp_path):
    d = tmp_path / "c"
    known = cache.load_cached(rule_files(), load_knowledge, d)
    assert cache.decode(cache.encode(known)) == known
    data = cache.encode(known)
    rid = next(iter(data["rules"]))
    bad = [dict(data, rules={**data["rules"], rid: data["rules"][rid][:-1]}),      # a field missing
           dict(data, rules={**data["rules"], rid: ("x",) * len(data["rules"][rid])}),  # nested not records
           dict(data, questions=[]),                                               # wrong shape
           dict(data, derived={"x": {"y": object.__new__(object).__class__}}),    # a type, not data
           {k: v for k, v in data.items() if k != "images"}]                       # a section missing
    for b in bad:
        try:
            cache.decode(b)
        except cache.BadEntry:
            continue
        raise AssertionError("accepted a malformed entry")


def test_special_files_and_links_in_the_cache_are_not_followed(tmp_path):
    d = tmp_path / "c"
    kb.load(cache_dir=d)
    entry = _entry(d)
    os.unlink(entry)
    os.mkfifo(entry)  # a FIFO planted where the entry goes: reading it would hang
    assert kb.load(cache_dir=d).knowledge.rules  # ends, and replaces it
    assert os.path.isfile(entry) and not os.path.islink(entry)
    target = tmp_path / "elsewhere"
    with open(entry, "rb") as f:
        target.write_bytes(f.read())
    os.unlink(entry)
    os.symlink(target, entry)  # a link planted where the entry goes: not read, and its target never written
    before = target.read_bytes()
    assert kb.load(cache_dir=d).knowledge.rules
    assert target.read_bytes() == before and not os.path.islink(entry)


def test_the_key_covers_included_files_and_the_cache_is_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIMAGE_CACHE_DIR", str(tmp_path / "env"))
    top = tmp_path / "top.yaml"
    part = tmp_path / "part.yaml"
    top.write_text("include: [part.yaml]\n")
    part.write_text("caveats:\n  - id: one\n    text: first\n")
    assert "one" in kb.load(top).knowledge.caveats
    part.write_text("caveats:\n  - id: two\n    text: second\n")
    assert set(kb.load(top).knowledge.caveats) >= {"two"} and "one" not in kb.load(top).knowledge.caveats
    assert os.listdir(tmp_path / "env")  # the environment variable chose the directory
    for i in range(cache.KEEP + 4):
        (tmp_path / "layer.yaml").write_text(f"caveats:\n  - id: c{i}\n    text: t\n")
        kb.load(tmp_path / "layer.yaml", cache_dir=tmp_path / "many")
    (tmp_path / "many" / "knowledge-0.pickle").write_bytes(b"old")
    (tmp_path / "layer.yaml").write_text("caveats:\n  - id: last\n    text: t\n")
    kb.load(tmp_path / "layer.yaml", cache_dir=tmp_path / "many")
    left = [n for n in os.listdir(tmp_path / "many") if not n.startswith(filecache.PREFIX)]  # the per-file layer's
    assert len(left) == cache.KEEP and all(n.endswith(cache.SUFFIX) for n in left)


def test_a_rule_file_that_is_a_fifo_does_not_hang_the_cache_key(tmp_path):
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    import threading

    result = []
    worker = threading.Thread(target=lambda: result.append(cache._key(rule_files([fifo]))), daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():  # it opened the FIFO: unblock it, then fail
        with open(fifo, "w"):
            pass
        raise AssertionError("the cache key opened a FIFO and waited for a writer")
    assert result == [None]  # the loader then reports it


def test_the_cache_gives_back_exactly_the_knowledge_it_stored():
    """Every field and every nested record survives encode/decode: a field the cache forgot would come back empty,
    a record it did not list as nested would come back a plain tuple."""
    from kb.cache import decode, encode
    from kb.loader import load_knowledge

    knowledge = load_knowledge()
    again = decode(encode(knowledge))
    for name in knowledge.FIELDS:
        assert getattr(again, name) == getattr(knowledge, name), name
    fixes = [f for d in again.diagnoses.values() for f in d.fixes]
    assert fixes and all(type(f).__name__ == "DiagnosisFix" for f in fixes)
    assert again.native_packages


def test_the_cache_key_covers_the_code_that_reads_the_knowledge():
    from kb.cache import _code_stamp

    stamped = {line.split(":")[0] for line in _code_stamp().decode().splitlines()}
    assert {"/model.py", "/citations.py", "loader/reader.py", "loader/rules.py", "lint/checks.py"} <= stamped
    assert not any(s.startswith("evidence/") for s in stamped)


def _entry_parts(entry):
    with open(entry, "rb") as f:
        blob = f.read()
    checksum, _, payload = blob[len(cache.FORMAT):].partition(b"\n")
    return marshal.loads(payload)


def _write_parts(entry, parts):
    payload = marshal.dumps(parts)
    with open(entry, "wb") as f:
        f.write(cache.FORMAT + cache._checksum(payload).encode() + b"\n" + payload)


def test_sections_decoded_on_first_use_come_back_exactly_as_stored(tmp_path):
    """lints, diagnoses, image families and native packages stay undecoded until read (a consultation never reads
    them); read, they equal what the rule files give, and a cached rule base pickles as a whole (consult_many)."""
    d = tmp_path / "c"
    kb.load(cache_dir=d)
    digests, _stamps, knowledge = cache._read_entry(_entry(d))
    assert set(cache.LAZY) <= set(knowledge._blobs)
    fresh = load_knowledge()
    for name in fresh.FIELDS:
        assert getattr(knowledge, name) == getattr(fresh, name), name
    assert not knowledge._blobs
    again = pickle.loads(pickle.dumps(cache._read_entry(_entry(d))[2]))
    assert type(again) is Knowledge and again == fresh


def test_a_planted_section_decoded_on_first_use_is_read_from_the_rule_files_instead(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "cache"
    kb.load(cache_dir=d)
    entry = _entry(d)
    digests, stamps, data, blobs = _entry_parts(entry)
    for planted in (marshal.dumps({"MI401": compile("open('PWNED','w')", "x", "exec")}),  # code: type-checked
                    marshal.dumps({"MI401": ("too", "few")}),                           # not a lint record
                    b"\xff not marshal"):
        _write_parts(entry, (digests, stamps, data, dict(blobs, lints=planted)))
        rb = kb.load(cache_dir=d)
        assert rb.knowledge.lints == load_knowledge().lints
        assert "MI401" in rb.knowledge.lints
    assert not (tmp_path / "PWNED").exists()
    _write_parts(entry, (digests, stamps, data, {k: v for k, v in blobs.items() if k != "lints"}))  # a section missing
    assert cache._read_entry(entry) is None


def test_threads_reading_a_section_decoded_on_first_use_all_get_it(tmp_path):
    """A rule base is shared between threads: eight reading the undecoded sections at once all get them (with the
    interpreter switching threads as often as it can, the first version lost the race with KeyError)."""
    import sys
    import threading

    d = tmp_path / "c"
    kb.load(cache_dir=d)
    expected = {name: getattr(load_knowledge(), name) for name in cache.LAZY}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(10):
            knowledge = kb.load(cache_dir=d).knowledge
            barrier, got, errors = threading.Barrier(8), [], []

            def read():
                barrier.wait()
                try:
                    got.append({name: getattr(knowledge, name) for name in cache.LAZY})
                except Exception as e:  # noqa: BLE001 - any error is the failure this test looks for
                    errors.append(repr(e))

            threads = [threading.Thread(target=read) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert len(got) == 8 and all(g == expected for g in got)
    finally:
        sys.setswitchinterval(interval)


def test_a_file_whose_stamp_is_unchanged_is_not_read_again_and_an_edit_keeping_size_and_mtime_is_seen(
        tmp_path, monkeypatch):
    """Files last changed SETTLED_NS before the entry was written have their stat stored with it: while it is the
    same, a hit does not read them again. An edit in place that keeps the size and puts the modification time back
    (cp -p, touch -r) still changes the change time, and the knowledge is read from the files again."""
    monkeypatch.setattr(kb.files, "SETTLED_NS", -10**12)  # here every file counts as settled
    layer = tmp_path / "mine.yaml"
    layer.write_text((Path(__file__).resolve().parents[1] / "rulefiles" / "my-image.yaml").read_text())
    d = tmp_path / "c"
    first = kb.load(layer, cache_dir=d)
    assert "registry.example.com/base/glibc-tiny:1" in first.knowledge.images
    digests, stamps, _knowledge = cache._read_entry(_entry(d))
    assert stamps is not None and len(stamps) == len(digests) and str(layer) in [p for p, _ in digests]
    read = []
    monkeypatch.setattr(cache, "_digests", lambda files: read.append(files) or ())
    assert "registry.example.com/base/glibc-tiny:1" in kb.load(layer, cache_dir=d).knowledge.images
    assert read == []  # a hit on the stamps alone
    monkeypatch.undo()
    monkeypatch.setattr(kb.files, "SETTLED_NS", -10**12)
    before = os.stat(layer)
    layer.write_text(layer.read_text().replace("glibc-tiny:1", "glibc-tiny:2"))  # the same size
    os.utime(layer, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(layer).st_size == before.st_size and os.stat(layer).st_mtime_ns == before.st_mtime_ns
    images = kb.load(layer, cache_dir=d).knowledge.images
    assert "registry.example.com/base/glibc-tiny:2" in images and "registry.example.com/base/glibc-tiny:1" not in images


def test_a_file_changed_just_before_the_entry_was_written_has_no_stamp_trusted(tmp_path):
    layer = tmp_path / "mine.yaml"
    layer.write_text((Path(__file__).resolve().parents[1] / "rulefiles" / "my-image.yaml").read_text())
    d = tmp_path / "c"
    kb.load(layer, cache_dir=d)
    _digests, stamps, _knowledge = cache._read_entry(_entry(d))
    assert stamps is None  # mine.yaml changed a moment ago: its bytes are compared on every hit


def test_an_included_file_edited_while_the_load_reads_it_is_read_again_by_the_next_load(tmp_path, monkeypatch):
    """The cache entry holds the digests of the bytes the knowledge was made from, not of the files as they are once
    the load is over: an include edited after the loader read it (an editor saving during a run) must not be served,
    with the old knowledge, under its new bytes."""
    mine = (Path(__file__).resolve().parents[1] / "rulefiles" / "my-image.yaml").read_text()
    included = tmp_path / "images.yaml"
    included.write_text(mine)
    top = tmp_path / "top.yaml"
    top.write_text("include: [images.yaml]\n")
    loader = __import__("kb.loader", fromlist=["read_rule_file"])
    read = loader.read_rule_file

    def read_then_edit(path, *args):
        text = read(path, *args)
        if os.path.abspath(path) == str(included):
            included.write_text(mine.replace("glibc-tiny:1", "glibc-tiny:2"))
        return text

    monkeypatch.setattr(loader, "read_rule_file", read_then_edit)
    d = tmp_path / "c"
    assert "registry.example.com/base/glibc-tiny:1" in kb.load(top, cache_dir=d).knowledge.images
    monkeypatch.undo()
    images = kb.load(top, cache_dir=d).knowledge.images
    assert "registry.example.com/base/glibc-tiny:2" in images and "registry.example.com/base/glibc-tiny:1" not in images
