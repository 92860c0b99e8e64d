"""Run every benchmark in a fresh process per configuration, print a table, and write benchmarks/RESULTS.md.

PostgreSQL rows appear when a server answers at ROOFLINE_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres); a throwaway database is created and dropped for the run.
"""

import json
import os
import platform
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADMIN_URL = os.environ.get("ROOFLINE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def run_bench(script: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROOFLINE_") and k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, str(HERE / script)], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_database():
    """A fresh PostgreSQL database URL and a function that drops it, or (None, None) without a server."""
    try:
        import psycopg

        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=2)
    except Exception as error:  # noqa: BLE001  (any failure means: no PostgreSQL row)
        print(f"PostgreSQL not measured: {error}", file=sys.stderr)
        return None, None
    name = f"roofline_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def main() -> None:
    rows = [run_bench("bench_jobs.py")]
    url, drop = postgres_database()
    if url:
        try:
            rows.append(run_bench("bench_jobs.py", DATABASE_URL=url))
        finally:
            drop()
    columns = list(rows[0])
    table = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    table += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    ratio = ""
    if len(rows) == 2:
        ratio = (
            f"\nPostgreSQL / SQLite time per progress event: "
            f"{rows[1]['ms_per_progress_event'] / rows[0]['ms_per_progress_event']:.2f}x (same run, same machine).\n"
        )
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    text = (
        "# Benchmark results\n\nWritten by `make bench` (benchmarks/run.py); each row is a fresh process.\n\n"
        f"## Job system overhead ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine})\n\n"
        + "\n".join(table)
        + "\n"
        + ratio
    )
    (HERE / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
