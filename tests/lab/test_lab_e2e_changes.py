"""lab/e2e_changes.py without an engine: which plans pass MI154-MI156 only through a change, and the Dockerfile
without that change that the matrix builds to show the rule's failure."""
import json
import subprocess
import sys

import pytest

from lab import e2e_changes as ECH

ANSWERS = {"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes", "timezones": "yes", "named_user": "yes",
           "needs_shell": "no"}


@pytest.fixture(scope="module")
def plan():
    argv = [a for k, v in ANSWERS.items() for a in ("--answer", f"{k}={v}")]
    res = subprocess.run([sys.executable, "-m", "shell", *argv, "--format", "json"], capture_output=True, text=True,
                         check=True)
    first = json.loads(res.stdout)["plans"][0]
    assert first["final_image"] == "scratch"
    return first


def test_scratch_passes_the_three_checks_only_through_changes(plan):
    assert ECH.supplied(plan) == [("MI154", "copy the CA bundle from the build stage"),
                                  ("MI155", "embed Go's time zone database"),
                                  ("MI156", "copy a minimal /etc/passwd with a non-root user")]


def test_without_the_ca_change_only_its_copy_goes(plan):
    df = plan["dockerfile"]
    out = ECH.without_change(df, ECH.change_titled("copy the CA bundle from the build stage"))
    assert "ca-certificates.crt" not in out
    assert out.count("\n") == df.count("\n") - 1 and "COPY --from=build /tmp/passwd /etc/passwd" in out


def test_without_the_embedded_zone_data_the_go_tag_goes(plan):
    out = ECH.without_change(plan["dockerfile"], ECH.change_titled("embed Go's time zone database"))
    assert "timetzdata" not in out and "ENV GOFLAGS" not in out
    assert "ENV CGO_ENABLED=0" in out


def test_without_the_passwd_change_user_nonroot_stays_and_has_no_entry(plan):
    out = ECH.without_change(plan["dockerfile"], ECH.change_titled("copy a minimal /etc/passwd with a non-root user"))
    assert "/etc/passwd" not in out and "/tmp/passwd" not in out and "USER nonroot" in out


def test_a_change_the_dockerfile_lacks_is_an_error(plan):
    with pytest.raises(ValueError, match="copy time zone data"):
        ECH.without_change(plan["dockerfile"], ECH.change_titled("copy time zone data from the build stage"))
