"""How long a mention takes to reach the mentioned user's stream on another server process.

    PYTHONPATH=src python bench/stream_latency.py [DATABASE_URL] [--mentions 50]

With no URL, a fresh SQLite file is used. The database is migrated and given the demo data; the mention is
posted to one `contactnotes serve` process and read from GET /api/notifications/stream on a second one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.events.processes import environment, server


def cli(env: dict[str, str], *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "contactnotes", *args], env=env, capture_output=True, check=True)
    return done.stdout.decode().strip().splitlines()


async def measure(api: str, stream: str, author: str, reader: str, contact: str, mention: str, count: int) -> None:
    latencies = []
    async with httpx.AsyncClient(timeout=30) as http:
        headers = {"Authorization": f"Bearer {reader}"}
        async with http.stream("GET", f"{stream}/api/notifications/stream", headers=headers) as live:
            lines = live.aiter_lines()
            await anext(lines)  # retry:
            await anext(lines)  # : connected
            for number in range(count):
                started = time.perf_counter()
                await http.post(
                    f"{api}/api/contact-notes",
                    json={"contactId": contact, "note": f"ping {number}", "mentions": [mention]},
                    headers={"Authorization": f"Bearer {author}"},
                )
                async for line in lines:
                    if line == "event: notification":
                        latencies.append(time.perf_counter() - started)
                        break
    latencies.sort()
    print(
        json.dumps(
            {
                "mentions": count,
                "p50_ms": round(statistics.median(latencies) * 1000, 1),
                "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
                "max_ms": round(latencies[-1] * 1000, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url", nargs="?")
    parser.add_argument("--mentions", type=int, default=50)
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    env = environment(url)
    cli(env, "migrate")
    demo = cli(env, "demo")
    author = next(line.removeprefix("export TOKEN=") for line in demo if line.startswith("export TOKEN="))
    contact = "65c2d0e0f0a0b0c0d0e0f0a0"
    alice = "65b1f0a2c3d4e5f6a7b8c9d0"
    reader = cli(env, "token", "create", "--user", "alice@example.com", "--name", "bench")[-1]
    os.environ.update(env)
    with server(url) as api, server(url) as stream:
        asyncio.run(measure(api, stream, author, reader, contact, alice, args.mentions))


if __name__ == "__main__":
    main()
