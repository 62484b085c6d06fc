"""A PostgreSQL 15 cluster of a test's own, for fault tests that stop and restart it.

The shared server of ``scripts/pg.sh`` must stay up for everything else, so a test that takes
the database away gets its own cluster (initdb in ``.run/``, where the ``postgres`` system user
can reach it, as ``scripts/pg.sh`` arranges), on a free loopback port, without Unix sockets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from tests.live_server import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUN_DIR = Path(__file__).resolve().parents[1] / ".run"
PG_USER = "postgres"


def _as_postgres(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root.
    return ["runuser", "-u", PG_USER, "--", *command] if os.geteuid() == 0 else list(command)


class PrivatePostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self.data_dir = RUN_DIR / f"pg-private-{uuid.uuid4().hex[:8]}"
        self.log = self.data_dir.with_suffix(".log")

    @property
    def url(self) -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/postgres"

    def initdb(self) -> PrivatePostgres:
        self.data_dir.mkdir(parents=True, mode=0o700)
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.data_dir, PG_USER)
            shutil.chown(self.log, PG_USER)
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
        )
        return self

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k '' -c fsync=off -c max_connections=200"
        self._ctl("start", "-l", str(self.log), "-w", "-t", "60", "-o", options)

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast", "-w")

    def destroy(self) -> None:
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"
            ),
            capture_output=True,
        )
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.log.unlink(missing_ok=True)

    def _ctl(self, action: str, *args: str) -> None:
        subprocess.run(
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), action, *args),
            check=True,
            capture_output=True,
        )
