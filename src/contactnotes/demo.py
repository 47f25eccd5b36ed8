"""Demo data. Its ids are the ones in TetherAI's documented example, so the vendor's sample request works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import service as auth
from contactnotes.contacts import service as contacts
from contactnotes.kit.clock import utc_now
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate
from contactnotes.orgs import repository as orgs_repository
from contactnotes.orgs import service as orgs
from contactnotes.users import repository as users_repository
from contactnotes.users import service as users

DEMO_ORG = "Demo Accounting"
CORY_OID = "65b1f0a2c3d4e5f6a7b8c9d3"  # the author in TetherAI's example
ALICE_OID = "65b1f0a2c3d4e5f6a7b8c9d0"  # the mentioned user in TetherAI's example
CONTACT_OID = "65c2d0e0f0a0b0c0d0e0f0a0"  # the contact in TetherAI's example
CORY_EMAIL = "cory@example.com"
ALICE_EMAIL = "alice@example.com"
# Sign-in passwords for the web app's demo users (a local demo; never used for anything else).
DEMO_LOGINS = ((CORY_EMAIL, "demo-cory-2026"), (ALICE_EMAIL, "demo-alice-2026"))


@dataclass(frozen=True)
class DemoResult:
    org_name: str
    created: bool
    email: str
    token: str  # Cory's, an admin
    contact_oid: str
    mention_oid: str
    alice_email: str
    alice_token: str  # Alice's, a member: the one mentioned in the example
    logins: tuple[tuple[str, str], ...] = DEMO_LOGINS  # (email, password) for the web app


async def _create(session: AsyncSession) -> None:
    org = await orgs.create_org(session, DEMO_ORG)
    cory = await users.create_user(
        session, org, email=CORY_EMAIL, full_name="Cory Tan", handle="cory", admin=True, oid=CORY_OID
    )
    await users.create_user(session, org, email=ALICE_EMAIL, full_name="Alice Moreau", handle="alice", oid=ALICE_OID)
    jordan = await contacts.create_contact(
        session, org.id, display_name="Jordan Lee", email="jordan.lee@example.net", oid=CONTACT_OID
    )
    await contacts.create_contact(session, org.id, display_name="Priya Natarajan", email="priya@example.net")
    await contacts.create_contact(session, org.id, display_name="Northwind Traders")
    as_cory = auth.principal_for(org, cory)
    now = utc_now()
    for days_ago, body, note_type, important in [
        (
            14,
            "Intro call. Jordan runs a two-person design studio; wants help with quarterly estimates.",
            "Call",
            False,
        ),
        (7, "Sent the engagement letter. **Fee agreed**: flat, billed monthly.", "Email", True),
        (2, "@alice can you collect last year's return before Friday?", "General", False),
    ]:
        await notes.create_note(
            session,
            as_cory,
            NoteCreate(
                contact=jordan.id,
                body=body,
                type=note_type,
                important=important,
                note_date=now - timedelta(days=days_ago),
            ),
        )


async def load_demo(session: AsyncSession) -> DemoResult:
    created = await orgs_repository.find_by_name(session, DEMO_ORG) is None
    if created:
        await _create(session)
    for email, password in DEMO_LOGINS:  # also for a demo loaded before the web app had sign-in
        user = await users_repository.find_by_email(session, email)
        if user is not None and user.password_hash is None:
            await users.set_password(session, email, password)
    cory = await users_repository.find_by_email(session, CORY_EMAIL)
    alice = await users_repository.find_by_email(session, ALICE_EMAIL)
    assert cory is not None and alice is not None
    issued = await auth.issue_token(session, cory, name="demo")
    alice_issued = await auth.issue_token(session, alice, name="demo")
    return DemoResult(
        DEMO_ORG, created, cory.email, issued.secret, CONTACT_OID, ALICE_OID, alice.email, alice_issued.secret
    )
