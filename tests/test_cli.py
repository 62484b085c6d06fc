"""The ``scrapegate`` command, run as a user runs it (a subprocess of the installed script)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(sys.executable).parent / "scrapegate"


def run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SCRAPEGATE_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, env=environment
    )


def test_keys_create_prints_the_key_last(tmp_path: Path) -> None:
    created = run(tmp_path, "keys", "create", "--name", "me")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("sk_live_") and len(key) == len("sk_live_") + 32
    listed = run(tmp_path, "keys", "list")
    assert key[:12] in listed.stdout and "active" in listed.stdout
    assert key not in listed.stdout  # never shown again
    key_id = listed.stdout.split()[0]
    assert run(tmp_path, "keys", "revoke", key_id).returncode == 0
    assert "revoked" in run(tmp_path, "keys", "list").stdout


def test_credits_add_reports_the_balance(tmp_path: Path) -> None:
    run(tmp_path, "keys", "create", "--org", "acme", "--balance", "1000")
    added = run(tmp_path, "credits", "add", "--org", "acme", "500")
    assert added.returncode == 0, added.stderr
    assert "1500 microcents" in added.stdout


def test_invalid_setting_stops_with_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "migrate", SCRAPEGATE_PORT="not-a-port")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SCRAPEGATE_PORT" in result.stderr


@pytest.mark.parametrize("fmt", [None, "text"])
def test_scrape_runs_the_engine_locally(tmp_path: Path, fixture_site: Any, fmt: str | None) -> None:
    args = ["scrape", fixture_site.url("/article")] + (["--format", fmt] if fmt else [])
    result = run(tmp_path, *args, SCRAPEGATE_ALLOW_PRIVATE_NETWORKS="true")
    assert result.returncode == 0, result.stderr
    assert "The quick brown fox of scrapegate" in result.stdout


def test_scrape_refuses_private_targets_by_default(tmp_path: Path, fixture_site: Any) -> None:
    result = run(
        tmp_path, "scrape", fixture_site.url("/article"), SCRAPEGATE_ALLOW_PRIVATE_NETWORKS="false"
    )
    assert result.returncode == 1
    assert "URL_NOT_ALLOWED" in result.stderr


def test_scrape_reads_pdfs_locally(tmp_path: Path, fixture_site: Any) -> None:
    result = run(
        tmp_path,
        "scrape",
        fixture_site.url("/docs/report.pdf"),
        "--mode",
        "pdf",
        SCRAPEGATE_ALLOW_PRIVATE_NETWORKS="true",
    )
    assert result.returncode == 0, result.stderr
    assert "Quarterly fixture report" in result.stdout
