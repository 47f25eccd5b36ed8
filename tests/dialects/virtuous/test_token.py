"""POST /Token: password and refresh_token grants answered as the real API, expiry, revocation, throttling."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from contactnotes.auth import service as auth
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.models import ApiToken, TokenKind
from contactnotes.users import service as users
from tests.factories import World

from .helpers import assert_error, assert_matches, fixture

PASSWORD = "correct horse battery"
SRC = Path(__file__).parents[3] / "src"


@pytest.fixture
async def with_password(database: Database, world: World) -> World:
    async with unit_of_work(database) as session:
        await users.set_password(session, world.alice.user.email, PASSWORD)
    return world


async def grant(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    return await client.post("/Token", data=form)


class TestPasswordGrant:
    async def test_answers_exactly_as_the_real_api(self, client: httpx.AsyncClient, with_password: World) -> None:
        response = await grant(client, grant_type="password", username="Alice@Acme.example.com", password=PASSWORD)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"
        body = response.json()
        assert_matches(body, fixture("token.response.json"))
        issued, expires = parsedate_to_datetime(body[".issued"]), parsedate_to_datetime(body[".expires"])
        assert expires - issued == timedelta(days=15)
        assert abs((issued - utc_now()).total_seconds()) < 300
        # The access token works on the API; the refresh token does not.
        ok = await client.get("/api/ContactNote/Types", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert ok.status_code == 200
        refused = await client.get(
            "/api/ContactNote/Types", headers={"Authorization": f"Bearer {body['refresh_token']}"}
        )
        assert_error(refused, 401)

    @pytest.mark.parametrize(
        ("username", "password"),
        [("alice@acme.example.com", "wrong password"), ("nobody@acme.example.com", PASSWORD)],
    )
    async def test_wrong_credentials_are_400_invalid_grant(
        self, client: httpx.AsyncClient, with_password: World, username: str, password: str
    ) -> None:
        response = await grant(client, grant_type="password", username=username, password=password)
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_grant",
            "error_description": "The user name or password is incorrect.",
            "message": "The user name or password is incorrect.",
        }

    async def test_a_user_without_a_password_cannot_log_in(self, client: httpx.AsyncClient, world: World) -> None:
        response = await grant(client, grant_type="password", username=world.bob.user.email, password="anything1")
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"

    @pytest.mark.parametrize(
        ("form", "error"),
        [
            ({}, "invalid_request"),
            ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
            ({"grant_type": "password", "username": "alice@acme.example.com"}, "invalid_request"),
            ({"grant_type": "refresh_token"}, "invalid_request"),
        ],
    )
    async def test_malformed_requests(
        self, client: httpx.AsyncClient, with_password: World, form: dict[str, str], error: str
    ) -> None:
        response = await grant(client, **form)
        assert response.status_code == 400 and response.json()["error"] == error

    async def test_repeated_failures_for_one_account_are_slowed_down(
        self, client: httpx.AsyncClient, with_password: World
    ) -> None:
        email = with_password.alice.user.email
        for _ in range(5):
            response = await grant(client, grant_type="password", username=email, password="wrong password")
            assert response.status_code == 400
        blocked = await grant(client, grant_type="password", username=email, password=PASSWORD)
        assert blocked.status_code == 429
        assert blocked.json()["error"] == "too_many_attempts"
        assert 0 < int(blocked.headers["Retry-After"]) <= 900
        # Another account is not affected.
        other = await grant(client, grant_type="password", username="bob@acme.example.com", password="x" * 9)
        assert other.status_code == 400

    async def test_a_success_clears_the_failures(self, client: httpx.AsyncClient, with_password: World) -> None:
        email = with_password.alice.user.email
        for _ in range(4):
            await grant(client, grant_type="password", username=email, password="wrong password")
        assert (await grant(client, grant_type="password", username=email, password=PASSWORD)).status_code == 200
        for _ in range(4):
            await grant(client, grant_type="password", username=email, password="wrong password")
        assert (await grant(client, grant_type="password", username=email, password=PASSWORD)).status_code == 200

    async def test_paths_ignore_case_and_carry_rate_limit_headers(
        self, client: httpx.AsyncClient, with_password: World
    ) -> None:
        response = await client.post(
            "/token", data={"grant_type": "password", "username": "alice@acme.example.com", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "5000"


class TestRefreshGrant:
    async def test_trades_a_refresh_token_once(self, client: httpx.AsyncClient, with_password: World) -> None:
        first = (
            await grant(client, grant_type="password", username="alice@acme.example.com", password=PASSWORD)
        ).json()
        second = await grant(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
        assert second.status_code == 200
        assert_matches(second.json(), fixture("token.response.json"))
        assert second.json()["access_token"] != first["access_token"]
        headers = {"Authorization": f"Bearer {second.json()['access_token']}"}
        assert (await client.get("/api/Reminder/Active", headers=headers)).status_code == 200
        replay = await grant(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    @pytest.mark.parametrize("token", ["nonsense", "cn_" + "B" * 43])
    async def test_unknown_refresh_tokens_are_invalid_grant(
        self, client: httpx.AsyncClient, with_password: World, token: str
    ) -> None:
        response = await grant(client, grant_type="refresh_token", refresh_token=token)
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"

    async def test_an_access_or_api_token_is_not_a_refresh_token(
        self, client: httpx.AsyncClient, with_password: World
    ) -> None:
        first = (
            await grant(client, grant_type="password", username="alice@acme.example.com", password=PASSWORD)
        ).json()
        for token in (first["access_token"], with_password.alice.token):
            response = await grant(client, grant_type="refresh_token", refresh_token=token)
            assert response.json()["error"] == "invalid_grant"


class TestExpiryAndRevocation:
    async def test_expired_tokens_are_refused(
        self, client: httpx.AsyncClient, with_password: World, database: Database
    ) -> None:
        body = (await grant(client, grant_type="password", username="alice@acme.example.com", password=PASSWORD)).json()
        async with unit_of_work(database) as session:
            await session.execute(
                update(ApiToken)
                .where(ApiToken.kind.in_([TokenKind.ACCESS, TokenKind.REFRESH]))
                .values(expires_at=utc_now() - timedelta(seconds=1))
            )
        response = await client.get(
            "/api/ContactNote/Types", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert_error(response, 401)  # the vendor's one sentence, whatever the reason
        refreshed = await grant(client, grant_type="refresh_token", refresh_token=body["refresh_token"])
        assert refreshed.json()["error"] == "invalid_grant"

    async def test_revoked_tokens_are_refused(
        self, client: httpx.AsyncClient, with_password: World, database: Database
    ) -> None:
        body = (await grant(client, grant_type="password", username="alice@acme.example.com", password=PASSWORD)).json()
        async with unit_of_work(database) as session:
            for token in await auth.tokens_of(session, with_password.alice.user):
                if token.kind in (TokenKind.ACCESS, TokenKind.REFRESH):
                    assert await auth.revoke_by_id(session, token.id)
        response = await client.get(
            "/api/ContactNote/Types", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert_error(response, 401)
        refreshed = await grant(client, grant_type="refresh_token", refresh_token=body["refresh_token"])
        assert refreshed.json()["error"] == "invalid_grant"


def test_set_password_reads_stdin_and_the_password_then_works(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The CLI end to end against the same database, then a grant through the API."""
    import asyncio

    from contactnotes.app import create_app
    from contactnotes.settings import Settings
    from tests.factories import build_world

    settings = Settings(database_url=database_url, var_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]

    async def prepare() -> World:
        db = Database(settings)
        try:
            return await build_world(db)
        finally:
            await db.dispose()

    if "postgresql" in database_url:
        request.getfixturevalue("database")  # truncates
    world = asyncio.run(prepare())
    env = {**os.environ, "CONTACTNOTES_DATABASE_URL": database_url, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-m", "contactnotes", "user", "set-password", world.alice.user.email],
        input="a new password 123\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "a new password" not in result.stdout + result.stderr

    async def login() -> httpx.Response:
        db = Database(settings)
        app = create_app(settings, db)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
                return await http.post(
                    "/Token",
                    data={
                        "grant_type": "password",
                        "username": world.alice.user.email,
                        "password": "a new password 123",
                    },
                )
        finally:
            await db.dispose()

    assert asyncio.run(login()).status_code == 200
