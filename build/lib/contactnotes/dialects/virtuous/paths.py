"""Case-insensitive paths for the Virtuous dialect, as its ASP.NET server matches them.

The middleware rewrites each static segment of a Virtuous path to the spelling our routes use
(/api/contactnote/bycontact/7 -> /api/ContactNote/ByContact/7) before routing. The spellings are read from
the paths of every route built with VirtuousRoute, so any Virtuous route added later is covered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Receive, Scope, Send


def under(path: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the path is one of the prefixes or below one, ignoring case (/api/reminders is not /api/reminder)."""
    lowered = path.lower().rstrip("/")
    return any(lowered == p or lowered.startswith(p + "/") for p in prefixes)


class CaseInsensitivePaths:
    def __init__(self, app: ASGIApp, paths: Callable[[], Iterable[str]], prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.paths = paths
        self.prefixes = prefixes
        self._words: dict[str, str] | None = None

    def words(self) -> dict[str, str]:
        if self._words is None:
            words: dict[str, str] = {}
            for path in self.paths():
                if under(path, self.prefixes):
                    for segment in path.split("/"):
                        if segment and not segment.startswith("{"):
                            words.setdefault(segment.lower(), segment)
            self._words = words
        return self._words

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and under(scope["path"], self.prefixes):
            words = self.words()
            path = "/".join(words.get(segment.lower(), segment) for segment in scope["path"].split("/"))
            if path != scope["path"]:
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)
