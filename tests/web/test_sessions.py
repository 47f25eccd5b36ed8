"""Web sessions and sign-in, in process: lockout shared with POST /Token, revocation, cookies, odd input."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta

import httpx
import pytest

from contactnotes.auth import sessions
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.errors import Unauthenticated
from contactnotes.settings import Settings
from contactnotes.users import service as users
from contactnotes.web.templates import STATIC_DIR
from tests.factories import World
from tests.security.web_support import app_client, signed_in

PASSWORD = "alice-password-1"


async def _with_password(database: Database, world: World) -> None:
    async with unit_of_work(database) as session:
        await users.set_password(session, world.alice.user.email, PASSWORD)


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    client.cookies.clear()
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    return await client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": email, "password": password, "next": "/contacts"},
        headers={"Cookie": f"cn_login={form.cookies['cn_login']}"},
    )


async def test_signing_in_opens_a_session_that_changing_the_password_ends(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    await _with_password(database, world)
    signed = await _sign_in(client, "Alice@Acme.example.com", PASSWORD)
    assert signed.status_code == 303 and signed.headers["location"] == "/contacts"
    cookie = signed.cookies["cn_session"]
    set_cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie and "secure" not in set_cookie
    client.cookies.clear()
    home = await client.get("/", headers={"Cookie": f"cn_session={cookie}"})
    assert home.status_code == 200 and "Hello, Alice" in home.text

    async with unit_of_work(database) as session:
        await users.set_password(session, world.alice.user.email, "a-new-password-2")
    client.cookies.clear()
    after = await client.get("/", headers={"Cookie": f"cn_session={cookie}"})
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


async def test_password_change_revokes_every_session_of_that_user_only(database: Database, world: World) -> None:
    alice_one, alice_two, bob = (
        await signed_in(database, world.alice),
        await signed_in(database, world.alice),
        await signed_in(database, world.bob),
    )
    async with unit_of_work(database) as session:
        await users.set_password(session, world.alice.user.email, "another-password")
    async with unit_of_work(database) as session:
        for browser in (alice_one, alice_two):
            with pytest.raises(Unauthenticated):
                await sessions.resolve(session, browser.cookie)
        assert (await sessions.resolve(session, bob.cookie)).principal.user_id == world.bob.user.id


async def test_an_expired_session_is_signed_out(database: Database, world: World) -> None:
    async with unit_of_work(database) as session:
        opened = await sessions.open_session(session, world.alice.user, lifetime=timedelta(seconds=-1))
    async with unit_of_work(database) as session:
        with pytest.raises(Unauthenticated):
            await sessions.resolve(session, opened.secret)


async def test_failed_sign_ins_share_the_lockout_of_post_token(
    client: httpx.AsyncClient, database: Database, world: World, settings: Settings
) -> None:
    await _with_password(database, world)
    email = world.alice.user.email
    for _ in range(settings.login_failure_limit - 2):
        refused = await client.post("/Token", data={"grant_type": "password", "username": email, "password": "no"})
        assert refused.status_code == 400
    for _ in range(2):
        wrong = await _sign_in(client, email, "wrong-password")
        assert wrong.status_code == 400 and "That email and password do not match an account." in wrong.text
    locked = await _sign_in(client, email, PASSWORD)  # even the right password waits now
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert "cn_session" not in locked.cookies
    token = await client.post("/Token", data={"grant_type": "password", "username": email, "password": PASSWORD})
    assert token.status_code == 429


async def test_over_https_the_cookie_is_secure(settings: Settings, database: Database, world: World) -> None:
    await _with_password(database, world)
    async with app_client(settings, database) as http:
        http.base_url = httpx.URL("https://testserver")
        signed = await _sign_in(http, world.alice.user.email, PASSWORD)
    assert signed.status_code == 303 and "secure" in signed.headers["set-cookie"].lower()


async def test_sign_in_goes_back_only_to_a_page_of_this_site(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    await _with_password(database, world)
    client.cookies.clear()
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        signed = await client.post(
            "/login",
            data={"csrf_token": token.group(1), "email": world.alice.user.email, "password": PASSWORD, "next": target},
            headers={"Cookie": f"cn_login={form.cookies['cn_login']}"},
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/", target


ODD_FORMS = [
    ("/contacts/{contact}/notes", {"body": "nul \x00 inside"}),
    ("/contacts/{contact}/notes", {"body": "x", "time_spent": "9" * 40}),
    ("/contacts/{contact}/notes", {"body": "x", "time_spent": "-5"}),
    ("/contacts/{contact}/notes", {"body": "x", "note_date": "9999-12-31T23:59", "tz_offset": "1440"}),
    ("/contacts/{contact}/notes", {"body": "x", "note_date": "0001-01-01T00:00", "tz_offset": "-1440"}),
    ("/contacts/{contact}/notes", {"body": "x", "note_date": "yesterday"}),
    ("/contacts/{contact}/notes", {"body": "x", "reminder_date": "2030-01-01T00:00", "reminder_message": ""}),
    ("/contacts/{contact}/notes", {"body": "x", "reminder_date": "2030-01-01T00:00", "reminder_message": "m",
                                   "reminder_owner": "ffffffffffffffffffffffff"}),
    ("/contacts/{contact}/notes", {"body": "x", "type": "No such type"}),
    ("/contacts/{contact}/notes", {"body": "x", "attachment_key": "../../etc/passwd", "attachment_name": "p"}),
    ("/contacts/{contact}/notes", {"body": "", "tz_offset": "99999999999999999999"}),
    ("/contacts", {"name": "", "email": "not an email"}),
    ("/contacts", {"name": "😀" * 400}),
]  # fmt: skip
ODD_PAGES = [
    "/contacts/{contact}?to=9999-12-31",
    "/contacts/{contact}?from=0001-01-01&to=0001-01-01",
    "/contacts/{contact}?from=not-a-date",
    "/contacts/{contact}?cursor=garbage",
    "/contacts/{contact}?author=nobody&type=%F0%9F%98%80",
    "/contacts?cursor=garbage",
    "/contacts?q=%00",
    "/contacts/ffffffffffffffffffffffff",
    "/notes/not-an-id",
    "/people?q=" + "x" * 5000,
]


async def test_odd_input_is_never_a_server_error(client: httpx.AsyncClient, database: Database, world: World) -> None:
    alice = await signed_in(database, world.alice)
    headers = {"Cookie": f"cn_session={alice.cookie}", "X-CSRF-Token": alice.csrf}
    failures = []
    for path, form in ODD_FORMS:
        client.cookies.clear()
        answer = await client.post(path.format(contact=world.contact.oid), data=form, headers=headers)
        if answer.status_code >= 500 or answer.status_code == 303:
            failures.append(f"POST {path} {form}: {answer.status_code}")
    for path in ODD_PAGES:
        client.cookies.clear()
        answer = await client.get(path.format(contact=world.contact.oid), headers=headers)
        if answer.status_code >= 500:
            failures.append(f"GET {path}: {answer.status_code}")
    assert not failures, "\n".join(failures)


def test_the_pages_ship_less_than_100_kb_of_script_compressed() -> None:
    scripts = list(STATIC_DIR.rglob("*.js"))
    assert scripts
    compressed = sum(len(gzip.compress(path.read_bytes(), 9)) for path in scripts)
    assert compressed < 100_000, f"{compressed} bytes of script, compressed"


async def test_pages_carry_a_nonce_csp_and_scripts_only_with_it(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    alice = await signed_in(database, world.alice)
    client.cookies.clear()
    first = await client.get(f"/contacts/{world.contact.oid}", headers={"Cookie": f"cn_session={alice.cookie}"})
    second = await client.get("/login")
    policy = first.headers["content-security-policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", policy)
    assert nonce and "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
    assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    assert nonce.group(1) not in second.headers["content-security-policy"]  # a new nonce per answer
    scripts = re.findall(r"<script[^>]*>", first.text)
    assert scripts and all(f'nonce="{nonce.group(1)}"' in tag and " src=" in tag for tag in scripts)
    assert '"allowEval": false' in first.text
    assert first.headers["cache-control"] == "no-store" and first.headers["referrer-policy"] == "same-origin"
    assert first.headers["x-frame-options"] == "DENY"


async def test_static_files_are_served_compressed(client: httpx.AsyncClient) -> None:
    script = await client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert script.status_code == 200 and script.headers["content-encoding"] == "gzip"
    assert "text/javascript" in script.headers["content-type"] and "X-CSRF-Token" in script.text


async def test_a_browser_gets_a_page_for_an_address_that_is_none(client: httpx.AsyncClient) -> None:
    page = await client.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and "Not found" in page.text and "content-security-policy" in page.headers
    api = await client.get("/no/such/page")  # a program still gets the API's JSON
    assert api.status_code == 404 and api.json()["success"] is False
