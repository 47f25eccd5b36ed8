"""Import rules that keep one domain core under thin dialects (docs/architecture.md)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "contactnotes"
# Everything that is not the HTTP edge: it must work with no web framework at all.
CORE = [
    "attachments", "auth", "contacts", "db", "jobs", "kit", "models", "notes", "notifications", "orgs", "ratelimit",
    "realtime", "reminders", "storage", "users", "webhooks",
    "errors.py", "settings.py",
]  # fmt: skip
FRAMEWORKS = ("fastapi", "starlette")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def python_files(*parts: str) -> list[Path]:
    files: list[Path] = []
    for part in parts:
        target = SRC / part
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return [f for f in files if f.exists()]


@pytest.mark.parametrize("path", python_files(*CORE), ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_knows_no_web_framework_and_no_dialect(path: Path) -> None:
    bad = {
        name
        for name in imports_of(path)
        if name.split(".")[0] in FRAMEWORKS
        or name.startswith(("contactnotes.dialects", "contactnotes.http", "contactnotes.app", "contactnotes.web."))
        or name == "contactnotes.web"
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", python_files("dialects", "web"), ids=lambda p: str(p.relative_to(SRC)))
def test_adapters_never_touch_repositories_models_or_the_database(path: Path) -> None:
    """The dialects and the web app: wire formats and pages over the services, no SQL."""
    bad = {
        name
        for name in imports_of(path)
        if name.startswith(("contactnotes.models", "contactnotes.db", "sqlalchemy"))
        or ".repository" in name
        or name.endswith("repository")
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_only_app_knows_every_dialect() -> None:
    for path in SRC.rglob("*.py"):
        if path.parent.is_relative_to(SRC / "dialects") or path.name == "app.py":
            continue
        bad = {name for name in imports_of(path) if name.startswith("contactnotes.dialects")}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


# Repository reads that are not scoped by an organization or principal of their own, each with the reason it
# is safe. Anything else that reads must take `org_id` or `principal` and use it in its statement.
SCOPED_BY_CALLER = {
    # Credentials: the token or e-mail is the secret that names the organization; nothing is known before it.
    "auth.find_token_with_owner": "looks up a bearer token's hash",
    "auth.find_credential": "looks up a bearer token's hash",
    "auth.list_tokens_of_user": "the user id comes from an authenticated principal",
    "auth.sessions_repository.find": "looks up a web session cookie's hash",
    "users.find_by_email": "sign-in: the e-mail is what identifies the account",
    "orgs.find_by_oid_or_name": "CLI and demo set-up, run by the operator",
    "orgs.find_by_name": "CLI and demo set-up, run by the operator",
    "orgs.all_orgs": "`contactnotes org list`, run by the operator",
    # Keys and links: the storage key carries the organization's prefix and is checked against it by the caller.
    "attachments.by_key": "the key was checked against the caller's organization prefix",
    "attachments.servable": "serves a signed link; the signature names the key",
    "attachments.stale_ids": "the clean-up job sweeps every organization",
    # The worker: events carry ids written in the scoped transaction that enqueued them.
    "jobs.claim": "the worker serves every organization",
    "jobs.finish_many": "an update of the worker's own claimed events, by id and worker name",
    "jobs.items_by_id": "the stream filters items by the reader's organization and visibility",
    "jobs.last_id": "a position in the outbox, no data",
    "jobs.ids_after": "the stream filters items by the reader's organization and visibility",
    "jobs.backlog": "operators' metrics and health: the outbox of every organization",
    "jobs.last_beat": "operators' health check: workers serve every organization",
    # Rows reached through a note already loaded by a scoped query (the note id is the caller's).
    "notes.mentioned_user_ids": "the note was loaded by get_visible",
    "notes.reaction_exists": "the note was loaded by get_visible",
    "notes.distinct_emoji": "the note was loaded by get_visible",
    "notes.linked_contact_ids": "the note was loaded by get_visible",
    "notes.load_views": "renders notes already loaded by a scoped query",
    "notes.browsing_repository.views_by_ids": "renders notes whose ids a scoped query found",
    "notes.create_repository.write_created": "a write (one statement of CTEs the check cannot see into): every "
    "row takes the organization of the note, whose contact and mentions lookup_for_create scoped",
    "notes.get_by_id_any_state": "event handlers: the id comes from an outbox row of the note's organization",
    "notes.access_of": "event delivery: the ids come from outbox rows; the visibility rule is applied to what it reads",
    "reminders.get_for_note": "the note was loaded by get_visible",
    "reminders.load_views": "renders reminders already loaded by a scoped query",
    "reminders.views_for_notes": "the notes were loaded by a scoped query",
    "notifications.due_reminder_ids": "the reminder scan serves every organization",
    "notifications.claim_due_reminder": "the reminder scan serves every organization",
    "notifications.get_by_id": "event handlers: the id comes from an outbox row",
    "notifications.find_mention": "event handlers: the ids come from an outbox row",
    "notifications.count_emailed_since": "e-mail bookkeeping of one recipient, from an outbox row",
    "notifications.oldest_emailed_since": "e-mail bookkeeping of one recipient, from an outbox row",
    "notifications.count_held": "e-mail bookkeeping of one recipient, from an outbox row",
    "notifications.take_held": "e-mail bookkeeping of one recipient, from an outbox row",
    "notifications.lock_recipient": "e-mail bookkeeping of one recipient, from an outbox row",
    "notifications.get_reminder": "event handlers: the id comes from an outbox row",
    # Search: statements built by newest_first (which binds the principal) run here; the rest serve the worker's
    # text extraction and `contactnotes search reindex`, which cover every organization.
    "search.run": "runs a statement built with the caller's organization and the visibility rule",
    "search.files_of": "files of notes a scoped search found",
    "search.bodies_of": "bodies of notes a scoped search found, for snippets",
    "search.attachments_without_text": "text extraction job: the note id comes from an outbox row",
    "search.keys_without_text": "`contactnotes search reindex`, run by the operator",
    "search.forget_failed_files": "`contactnotes search reindex --retry-failed`, run by the operator",
    "search.note_id_range": "`contactnotes search reindex`, run by the operator",
    "search.reindex_notes": "`contactnotes search reindex`, run by the operator",
    "importing.bulk_insert": "a write (INSERT ... SELECT FROM unnest of the caller's rows), not a read",
    "importing.insert_notes": "a write (COPY); its only SELECT takes new ids from the notes' sequence",
    "portability.org_is_empty": "`contactnotes import org`, run by the operator: is the whole database empty",
    "webhooks.delivery_with_subscription": "delivery job: the id comes from an outbox row",
    "webhooks.get_delivery": "the subscription was loaded by a scoped get",
    "webhooks.page_deliveries": "the subscription was loaded by a scoped get",
    "webhooks.page_attempts": "the subscription was loaded by a scoped get",
}
SCOPE_NAMES = {"org_id", "principal"}


WRITES = {"insert", "update", "delete"}
RUNS = {"execute", "scalar", "scalars", "stream", "stream_scalars"}


def _root_call(node: ast.expr) -> str:
    """The name of the call a statement is built from: `update` in `update(T).where(...).values(...)`."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id
        node = node.func if isinstance(node, ast.Call) else node.value
    return ""


def _reads(function: ast.AsyncFunctionDef | ast.FunctionDef, constants: dict[str, ast.expr]) -> bool:
    """Whether the function selects rows: builds a SELECT, gets by key, or runs a prepared statement that reads."""
    local = {
        target.id: node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    constants = {**constants, **local}
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        if isinstance(callee, ast.Name) and callee.id in {"select", "text"}:
            return True
        receiver = callee.value if isinstance(callee, ast.Attribute) else None
        if isinstance(receiver, ast.Name) and receiver.id == "session" and callee.attr == "get":
            return True
        if isinstance(callee, ast.Attribute) and callee.attr in RUNS and node.args:
            statement = node.args[0]
            if isinstance(statement, ast.Name) and statement.id in constants:
                statement = constants[statement.id]
            if _root_call(statement) not in WRITES:
                return True
    return False


def _uses_its_scope(function: ast.AsyncFunctionDef | ast.FunctionDef) -> bool:
    arguments = function.args.args + function.args.kwonlyargs
    scope = {a.arg for a in arguments} & SCOPE_NAMES
    used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    return bool(scope & used)


def repository_reads() -> list[tuple[str, ast.AsyncFunctionDef | ast.FunctionDef]]:
    found = []
    for path in sorted(SRC.glob("*/*repository.py")):
        module = ast.parse(path.read_text()).body
        constants = {
            target.id: node.value
            for node in module
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in module:
            public = isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and not node.name.startswith("_")
            if public and _reads(node, constants):
                module_name = path.parent.name if path.stem == "repository" else f"{path.parent.name}.{path.stem}"
                found.append((f"{module_name}.{node.name}", node))
    return found


def test_every_repository_read_is_scoped_to_an_organization_or_listed_with_its_reason() -> None:
    unscoped = sorted(name for name, node in repository_reads() if not _uses_its_scope(node))
    assert [name for name in unscoped if name not in SCOPED_BY_CALLER] == []


def test_the_allow_list_names_only_reads_that_exist_and_need_it() -> None:
    unscoped = {name for name, node in repository_reads() if not _uses_its_scope(node)}
    assert sorted(set(SCOPED_BY_CALLER) - unscoped) == []


# The packages under src/contactnotes from the top down. A package imports only packages of its own layer or
# below (imports under TYPE_CHECKING and inside functions count too), and the graph has no cycle at all.
LAYERS: list[set[str]] = [
    {"__main__"},
    {"cli"},
    {"lifecycle_cli"},  # the command line's import, export and erase commands
    {"app"},
    {"wiring", "demo", "db.migrations", "backups"},  # the composition root's parts, and the schema's history
    {"dialects", "web"},  # the adapters
    {"http"},  # what every adapter shares
    {"portability", "erasure"},  # whole-contact and whole-organization use cases: export, restore, erase
    {"importing"},  # notes from other systems' CSV exports
    {"realtime"},  # delivery of events, above what they tell about
    {"mail", "webhooks", "health", "search"},
    {"notes"},
    {"notifications", "reminders"},
    {"contacts", "attachments", "idempotency", "jobs"},
    {"users", "orgs"},
    {"auth", "storage", "visibility", "ratelimit"},
    {"models"},
    {"db"},
    {"kit", "errors", "settings", "__init__", "observability"},
]


def _package_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    if parts[:2] == ("db", "migrations"):
        return "db.migrations"
    return parts[0] if len(parts) > 1 else path.stem


def _package_named(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "contactnotes" or len(parts) < 2:
        return None
    if parts[1:3] == ["db", "migrations"]:
        return "db.migrations"
    is_module = (SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").exists()
    return parts[1] if is_module else "__init__"  # a name the package root exports


def package_graph() -> dict[str, dict[str, set[str]]]:
    """package -> imported package -> the files that import it."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        source = _package_of(path)
        graph.setdefault(source, {})
        for name in imports_of(path):
            target = _package_named(name)
            if target and target != source:
                graph[source].setdefault(target, set()).add(str(path.relative_to(SRC)))
    return graph


def test_the_package_graph_has_no_cycle() -> None:
    graph = package_graph()
    done: set[str] = set()

    def visit(package: str, trail: list[str]) -> None:
        if package in trail:
            cycle = [*trail[trail.index(package) :], package]
            hops = [f"{a} -> {b} ({sorted(graph[a][b])[0]})" for a, b in itertools.pairwise(cycle)]
            pytest.fail("import cycle: " + "; ".join(hops))
        if package in done:
            return
        for target in graph.get(package, {}):
            visit(target, [*trail, package])
        done.add(package)

    for package in graph:
        visit(package, [])


def test_every_package_has_a_layer_and_imports_only_downwards() -> None:
    layer_of = {package: index for index, layer in enumerate(LAYERS) for package in layer}
    graph = package_graph()
    assert sorted(set(graph) - set(layer_of)) == [], "place each new package in LAYERS"
    upwards = [
        f"{source} -> {target} ({sorted(files)[0]})"
        for source, targets in graph.items()
        for target, files in targets.items()
        if layer_of[target] < layer_of[source]
    ]
    assert upwards == []
