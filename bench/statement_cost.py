"""What one SQL statement costs the application's process on this stack, against the driver alone.

    python -m bench.statement_cost DSN TOKEN

Runs the statement every authenticated request runs (a token's credential, auth/repository.py) N times on
one open connection, three ways: through a SQLAlchemy AsyncSession (as the app does), through a SQLAlchemy
AsyncConnection, and through asyncpg alone with the same SQL; and measures a pool checkout and return. The
figure is process CPU time (user + system) per call: the database's own work is in another process. `make
bench` prints these in its report, to say how much of a request is the SQL layer rather than the database.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

import asyncpg
import typer
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from contactnotes.auth.repository import _CREDENTIAL
from contactnotes.auth.secrets import hash_secret

CALLS = 3000
WARM_UP = 300


async def _cpu_us(call: Callable[[], Awaitable[object]]) -> float:
    for _ in range(WARM_UP):
        await call()
    start = time.process_time()
    for _ in range(CALLS):
        await call()
    return 1e6 * (time.process_time() - start) / CALLS


async def measure(dsn: str, token: str) -> dict[str, float]:
    """CPU microseconds a call: `session`, `connection`, `driver` (one statement each) and `checkout`. Each is
    measured twice, interleaved, and the lower kept (the other processes of a shared machine only add)."""
    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    driver = await asyncpg.connect(dsn)
    params = {"token_hash": hash_secret(token)}
    sql = str(_CREDENTIAL.compile(engine.sync_engine)).replace("%(token_hash)s", "$1")
    try:
        session = async_sessionmaker(engine)()
        connection = await engine.connect()

        async def through_session() -> object:
            return (await session.execute(_CREDENTIAL, params)).first()

        async def through_connection() -> object:
            return (await connection.execute(_CREDENTIAL, params)).first()

        async def through_driver() -> object:
            return await driver.fetchrow(sql, params["token_hash"])

        async def checkout() -> object:
            async with engine.connect():
                return None

        ways = {"session": through_session, "connection": through_connection, "driver": through_driver,
                "checkout": checkout}  # fmt: skip
        found: dict[str, float] = {}
        for _ in range(2):
            for name, call in ways.items():
                cost = await _cpu_us(call)
                found[name] = min(found.get(name, cost), cost)
        await session.close()
        await connection.close()
        return {name: round(cost, 1) for name, cost in found.items()}
    finally:
        await driver.close()
        await engine.dispose()


def report_line(costs: dict[str, float]) -> str:
    return (
        f"The SQL layer, measured in process (bench/statement_cost.py: the token look-up every authenticated request "
        f"runs, CPU per call): {costs['session']:.0f} µs through SQLAlchemy's AsyncSession, "
        f"{costs['connection']:.0f} µs through its AsyncConnection, {costs['driver']:.0f} µs through asyncpg alone; "
        f"a pool checkout and return {costs['checkout']:.0f} µs."
    )


def main(dsn: str, token: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    costs = asyncio.run(measure(dsn, token))
    print(json.dumps(costs) if as_json else report_line(costs))


if __name__ == "__main__":
    typer.run(main)
