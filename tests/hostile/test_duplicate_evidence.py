"""Class: the same fact stated twice reaching durable-rules (it segfaults on a repeated id in one batch)."""
import json
import subprocess
import textwrap

from .conftest import PYTHON, ROOT, TIMEOUT, run_cli


def _in_child(code: str) -> subprocess.CompletedProcess:
    """A crash of the C engine must fail the test, not the test run: run the case in a child process."""
    return subprocess.run([PYTHON, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT,
                          timeout=TIMEOUT)


def test_api_consult_with_the_same_evidence_twice_and_the_same_fact_from_two_artefacts():
    proc = _in_child("""
        import kb
        from kb.model import Fact, Justification
        rb = kb.load()
        e = Justification(Fact("binary_libc", "glibc"), "evidence", note="a (GLIBC_2.34)")
        f = Justification(Fact("binary_libc", "glibc"), "evidence", note="a (GLIBCXX_3.4.30)")
        one = rb.consult({"language": "c"}, [e]).to_dict()
        assert rb.consult({"language": "c"}, [e, e]).to_dict() == one
        both = rb.consult({"language": "c"}, [e, f])
        assert both.best.final_image == rb.consult({"language": "c"}, [e]).best.final_image
        assert [j.note for j in both.facts if j.fact.name == "binary_libc"] == [e.note, f.note]
        s = rb.session({"language": "c"})
        s.add_evidence([e, e, f, f])
        assert s.evidence == [e, f]
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout == "ok\n", proc.stderr[-2000:]


def test_engine_merges_duplicate_input_facts():
    proc = _in_child("""
        import kb
        from kb.model import Fact
        rb = kb.load()
        facts = [Fact("language", "go"), Fact("cgo", "no"), Fact("language", "go"), Fact("cgo", "no")]
        assert rb.engine.run(facts) == rb.engine.run(facts[:2])
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout == "ok\n", proc.stderr[-2000:]


def test_inspect_of_an_elf_with_a_repeated_dt_needed(tmp_path):
    from .elfmaker import repeated_needed_elf

    binary = tmp_path / "app"
    binary.write_bytes(repeated_needed_elf())
    proc = subprocess.run([PYTHON, "-m", "shell", "inspect", str(binary), "--format", "json"], capture_output=True,
                          text=True, cwd=ROOT, timeout=TIMEOUT)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    facts = json.loads(proc.stdout)["facts"]
    needs = [f["value"] for f in facts if f["fact"] == "binary_needs"]
    assert needs == ["libc.so.6"]


def test_typed_errors_for_values_that_are_not_text(rb):
    import pytest

    import kb

    with pytest.raises(kb.InvalidAnswer, match="not an answer to language"):
        rb.consult({"language": 5})
    with pytest.raises(kb.UnknownFact):
        rb.consult({5: "go"})
    with pytest.raises(kb.UnknownFact):
        rb.consult({None: "go"})
    with pytest.raises(kb.InvalidEvidence):
        rb.consult({"language": "go"}, ["binary_libc=glibc"])
    with pytest.raises(kb.InvalidEvidence):
        rb.consult({"language": "go"}, [kb.Justification(kb.Fact("binary_libc", 1), "evidence")])


def test_fact_names_are_case_insensitive_like_the_chats_set():
    status, out, err = run_cli("--answer", "LANGUAGE=GO", "--answer", "Cgo=NO", "--format", "json")
    assert status in (0, 1), err
    facts = {(f["fact"], f["value"]) for f in json.loads(out)["facts"] if f["source"] == "user"}
    assert {("language", "go"), ("cgo", "no")} <= facts


def test_diagnose_lines_that_imply_the_same_fact_continue_into_a_consultation():
    """shell/diagnose.py's continuation: each match's facts enter as evidence named by its rule; two lines (a GLIBC
    and a GLIBCXX one) both imply binary_libc=glibc."""
    proc = _in_child('''
        import kb
        from kb.diagnose import answers_of, diagnose
        rb = kb.load()
        text = ("/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /app)\\n"
                "/app: /usr/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found "
                "(required by /app)\\n")
        matches = diagnose(rb.knowledge, text)
        assert [f.get("binary_libc") for f in (m.facts for m in matches)] == ["glibc", "glibc"], matches
        answers = answers_of(matches)
        session = rb.session(answers)
        session.add_evidence(kb.Justification(kb.Fact(fact, str(value)), "evidence",
                                              note=f"the error message ({m.id})")
                             for m in matches for fact, value in m.facts.items()
                             if fact not in answers and fact in rb.knowledge.evidence)
        session.answer("language", "cpp")
        result = session.result()
        notes = [j.note for j in result.facts if j.fact == kb.Fact("binary_libc", "glibc")]
        assert len(notes) == 2, notes
        print("ok")
    ''')
    assert proc.returncode == 0 and proc.stdout == "ok\n", (proc.returncode, proc.stderr[-2000:])


def test_thousands_of_evidence_facts_with_duplicates_end_quickly():
    """An ELF may carry 8,192 DT_NEEDED entries and the API takes any list: merging duplicates must not be
    quadratic (40,000 facts took minutes with list membership; the child's timeout is the bound, not a timing)."""
    proc = _in_child("""
        import kb
        from kb.model import Fact, Justification
        rb = kb.load()
        ev = [Justification(Fact("binary_needs", f"lib{i % 20000}.so.1"), "evidence", note="x (DT_NEEDED)")
              for i in range(40000)]
        s = rb.session({"language": "c"})
        s.add_evidence(ev)
        assert len(s.evidence) == 20000
        print(len([j for j in s.result().facts if j.fact.name == "binary_needs"]))
    """)
    assert proc.returncode == 0 and proc.stdout == "20000\n", proc.stderr[-2000:]
