"""Test data made through the real services (one door for every write)."""

from __future__ import annotations

from dataclasses import dataclass

from contactnotes.auth import service as auth
from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Contact, Organization, User
from contactnotes.orgs import service as orgs
from contactnotes.users import service as users


@dataclass
class Persona:
    """A user with a working token."""

    user: User
    org: Organization
    token: str

    @property
    def oid(self) -> str:
        return self.user.oid

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def principal(self) -> Principal:
        return auth.principal_for(self.org, self.user)


@dataclass
class World:
    """Two organizations. In Acme: admin Ada, author Alice, teammate Bob. In Globex: outsider Carol."""

    acme: Organization
    globex: Organization
    ada: Persona
    alice: Persona
    bob: Persona
    carol: Persona
    contact: Contact  # Acme's
    other_contact: Contact  # Acme's
    foreign_contact: Contact  # Globex's


async def make_persona(
    database: Database, org: Organization, email: str, name: str, handle: str, *, admin: bool = False
) -> Persona:
    async with unit_of_work(database) as session:
        user = await users.create_user(session, org, email=email, full_name=name, handle=handle, admin=admin)
        issued = await auth.issue_token(session, user, name="test")
    return Persona(user, org, issued.secret)


async def build_world(database: Database) -> World:
    async with unit_of_work(database) as session:
        acme = await orgs.create_org(session, "Acme")
        globex = await orgs.create_org(session, "Globex")
        contact = await contacts.create_contact(session, acme.id, display_name="Jordan Lee", email="j@example.net")
        other = await contacts.create_contact(session, acme.id, display_name="Priya Natarajan")
        foreign = await contacts.create_contact(session, globex.id, display_name="Globex Customer")
    return World(
        acme=acme,
        globex=globex,
        ada=await make_persona(database, acme, "ada@acme.example.com", "Ada Admin", "ada", admin=True),
        alice=await make_persona(database, acme, "alice@acme.example.com", "Alice Author", "alice"),
        bob=await make_persona(database, acme, "bob@acme.example.com", "Bob Teammate", "bob"),
        carol=await make_persona(database, globex, "carol@globex.example.com", "Carol Outsider", "carol"),
        contact=contact,
        other_contact=other,
        foreign_contact=foreign,
    )
