"""One hub per server process: receives outbox event ids, loads each event once, hands it to listeners."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from contactnotes.auth.principal import Principal
from contactnotes.db.engine import Database
from contactnotes.db.listen import listen_forever
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs import repository as outbox
from contactnotes.jobs.queue import NOTIFY_CHANNEL
from contactnotes.observability import metrics
from contactnotes.realtime import events as stream_events
from contactnotes.realtime.broker import redis_channel, redis_client
from contactnotes.realtime.events import StreamEvent
from contactnotes.settings import Settings

log = logging.getLogger("contactnotes.stream")

TAIL_SECONDS = 0.2
QUEUE_LIMIT = 1000
REPLAY_LIMIT = 500


class RecentIds:
    """The last few thousand event ids seen, to act on each id once when it can arrive twice."""

    def __init__(self, size: int = 2000) -> None:
        self._order: deque[int] = deque(maxlen=size)
        self._members: set[int] = set()

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._members

    def add(self, event_id: int) -> None:
        if event_id in self._members:
            return
        if len(self._order) == self._order.maxlen:
            self._members.discard(self._order[0])
        self._order.append(event_id)
        self._members.add(event_id)

    def first_time(self, event_id: int) -> bool:
        new = event_id not in self._members
        self.add(event_id)
        return new


class Listener:
    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.queue: asyncio.Queue[StreamEvent] = asyncio.Queue(QUEUE_LIMIT)
        self._seen = RecentIds()

    def first_time(self, event_id: int) -> bool:
        """Ids can arrive twice (a replay overlapping live events, a re-published id): send each once."""
        return self._seen.first_time(event_id)

    def offer(self, event: StreamEvent) -> None:
        if event.visible_to(self.principal):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled client loses live events, not the server
                self.queue.put_nowait(event)


class StreamHub:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._listeners: set[Listener] = set()
        self._task: asyncio.Task[None] | None = None
        self._pending: asyncio.Queue[int | None] = asyncio.Queue()
        self._last_seen = 0
        self._dispatched = RecentIds()
        self._starting = asyncio.Lock()

    # ---- listeners --------------------------------------------------------------------------------------

    async def subscribe(self, principal: Principal) -> Listener:
        await self._ensure_started()
        listener = Listener(principal)
        self._listeners.add(listener)
        metrics.STREAM_SUBSCRIBERS.inc()
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            metrics.STREAM_SUBSCRIBERS.dec()
        self._listeners.discard(listener)

    async def replay(self, principal: Principal, after_id: int) -> list[StreamEvent]:
        """Events after `after_id` the caller may see (resuming with Last-Event-ID)."""
        async with unit_of_work(self.database) as session:
            items = await outbox.items_after(session, principal.org_id, after_id, stream_events.STREAMED, REPLAY_LIMIT)
            built = await stream_events.build(session, items)
        return [event for event in built if event.visible_to(principal)]

    # ---- feeding ----------------------------------------------------------------------------------------

    async def _ensure_started(self) -> None:
        async with self._starting:  # two first listeners at once must not start two feeds
            if self._task is None:
                async with unit_of_work(self.database) as session:
                    self._last_seen = await outbox.last_id(session)
                self._task = asyncio.create_task(self._run())
                self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        """If the feed ever stops, the next listener starts it again instead of waiting on a dead one."""
        if self._task is task:
            self._task = None

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        sources = [asyncio.create_task(self._source())]
        try:
            while True:
                ids = [await self._pending.get()]
                while not self._pending.empty():
                    ids.append(self._pending.get_nowait())
                await self._feed(ids)
        finally:
            for task in sources:
                task.cancel()
            await asyncio.gather(*sources, return_exceptions=True)

    async def _feed(self, ids: list[int | None]) -> None:
        """Send the events of `ids` (None: also whatever the table holds after the last id seen), oldest
        first. A failure is logged and the feed goes on: the stream must outlive a database hiccup."""
        arrived = {i for i in ids if i is not None}
        if None in ids:
            try:
                arrived |= set(await self._catch_up())
            except Exception:
                log.warning("stream catch-up failed", exc_info=True)
        wanted = [i for i in sorted(arrived) if i not in self._dispatched]
        if not wanted:
            return
        self._last_seen = max(self._last_seen, wanted[-1])
        if not self._listeners:
            return
        try:
            await self._dispatch(wanted)
        except Exception:
            # Not marked as sent: an id that is published again (over Redis, its own publish after a catch-up
            # took it early) gets another try.
            log.warning("stream dispatch failed", exc_info=True)
            return
        for event_id in wanted:
            self._dispatched.add(event_id)

    def _push(self, payload: str | None) -> None:
        if payload is None:
            self._pending.put_nowait(None)  # "look in the table": after a (re)subscription, a Redis id, SQLite's tail
            return
        with contextlib.suppress(ValueError):
            self._pending.put_nowait(int(payload))

    async def _source(self) -> None:
        if self.settings.redis_url:
            await self._redis()
        elif self.database.is_sqlite:
            while True:
                self._push(None)
                await asyncio.sleep(TAIL_SECONDS)
        else:
            await listen_forever(self.database.url, NOTIFY_CHANNEL, self._push, lambda: self._push(None))

    async def _redis(self) -> None:
        while True:
            client = redis_client(self.settings.redis_url or "")
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(redis_channel(self.settings))
                    self._push(None)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"]
                            self._push(data.decode() if isinstance(data, bytes) else str(data))
                            # Workers publish an id once its handlers ran, so the ids of one change arrive in any
                            # order; reading the table too sends them oldest first.
                            if self._listeners:
                                self._push(None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis subscription lost (%s); retrying", exc.__class__.__name__)
                await asyncio.sleep(1)
            finally:
                await client.aclose()

    async def _catch_up(self) -> list[int]:
        async with unit_of_work(self.database) as session:
            ids = await outbox.ids_after(session, self._last_seen, REPLAY_LIMIT)
        return ids

    async def _dispatch(self, ids: list[int]) -> None:
        async with unit_of_work(self.database) as session:
            items = [i for i in await outbox.items_by_id(session, ids) if i.type in stream_events.STREAMED]
            orgs = {listener.principal.org_id for listener in self._listeners}
            built = await stream_events.build(session, [i for i in items if i.org_id in orgs])
        for event in built:
            for listener in list(self._listeners):
                listener.offer(event)
