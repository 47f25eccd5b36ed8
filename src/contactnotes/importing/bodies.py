"""Turning the file's bodies into markdown, on every core when there are many.

Converting takes about 0.05-0.1 ms an HTML body: 50,000 of them are seconds of one core, on a par with
what the database needs to write them. So a large file's HTML bodies are converted in worker processes, all
submitted at once, while the importing process reads contacts and writes the
batches that are ready. Plain-text bodies (no markup: a cheap regular expression) are only trimmed, in the
importing process; a small file is converted there too, as starting workers would cost more than it saves.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor

from contactnotes.importing.reader import Rejected
from contactnotes.importing.rows import RowProblem, finish_body, has_markup

Body = str | Rejected
# (line, raw body, title) of one row
Item = tuple[int, str, str | None]
# Below this many HTML bodies, workers cost more to start than they save.
POOL_FROM = 2000
# Bodies per task sent to a worker: large enough that pickling is a small share, small enough to spread.
CHUNK = 500


def convert(items: Sequence[Item]) -> list[Body]:
    """Each body, as markdown with its title, or why its row is rejected."""
    converted: list[Body] = []
    for line, raw, title in items:
        try:
            converted.append(finish_body(raw, title))
        except RowProblem as problem:
            converted.append(Rejected(line, str(problem)))
    return converted


class Converter:
    """Submit every batch's bodies up front (`submit`), then await each batch's (`result`) in order."""

    def __init__(self) -> None:
        self._pool: Executor | None = None
        self._pending: list[list[tuple[list[int], asyncio.Future[list[Body]]]]] = []
        self._batches: list[list[Body | None]] = []

    def submit_all(self, batches: Sequence[Sequence[Item]]) -> None:
        markup = sum(1 for batch in batches for _, raw, _ in batch if has_markup(raw))
        if markup >= POOL_FROM:
            # fork: the workers start in milliseconds with everything imported, and only ever run convert().
            workers = max(1, min(os.cpu_count() or 1, 8))
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        loop = asyncio.get_running_loop()
        for batch in batches:
            bodies: list[Body | None] = [None] * len(batch)
            html: list[int] = []
            for index, item in enumerate(batch):
                if self._pool is not None and has_markup(item[1]):
                    html.append(index)
                else:
                    bodies[index] = convert([item])[0]
            tasks = []
            for start in range(0, len(html), CHUNK):
                indexes = html[start : start + CHUNK]
                assert self._pool is not None
                future = loop.run_in_executor(self._pool, convert, [batch[i] for i in indexes])
                tasks.append((indexes, future))
            self._pending.append(tasks)
            self._batches.append(bodies)

    async def result(self, index: int) -> list[Body]:
        bodies = self._batches[index]
        for indexes, future in self._pending[index]:
            for at, body in zip(indexes, await future, strict=True):
                bodies[at] = body
        self._pending[index] = []
        return [body for body in bodies if body is not None]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
