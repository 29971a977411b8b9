"""Navigation and home-page widgets, registered by each area.

Areas register what they offer; the base template shows each role only what it
may use (the same roles the routes enforce).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from portal.security import Role


@dataclass(frozen=True)
class NavItem:
    """A top-navigation link."""

    label: Any  # lazy string
    endpoint: str
    roles: frozenset[Role]
    order: int = 50
    prefix: str = ""  # URL prefix that marks the item active


@dataclass
class NavRegistry:
    """All navigation links and home widgets of the app."""

    items: list[NavItem] = field(default_factory=list)
    widgets: list[tuple[int, frozenset[Role], Callable[[Any], str]]] = field(
        default_factory=list
    )

    def add(self, label: Any, endpoint: str, roles: tuple[Role, ...], order: int = 50,
            prefix: str = "") -> None:
        """Register a link for ``roles``."""
        self.items.append(NavItem(label, endpoint, frozenset(roles), order, prefix))
        self.items.sort(key=lambda i: i.order)

    def add_widget(self, roles: tuple[Role, ...], render: Callable[[Any], str],
                   order: int = 50) -> None:
        """Register a home-page widget: ``render(user)`` returns HTML (or '')."""
        self.widgets.append((order, frozenset(roles), render))
        self.widgets.sort(key=lambda w: w[0])

    def for_user(self, user: Any) -> list[dict[str, str]]:
        """Links the user may follow."""
        if not getattr(user, "is_authenticated", False):
            return []
        return [
            {"label": str(i.label), "url": url_for(i.endpoint), "prefix": i.prefix}
            for i in self.items
            if user.role in i.roles
        ]

    def widgets_for(self, user: Any) -> list[str]:
        """Rendered home widgets for the user's role."""
        return [html for _o, roles, render in self.widgets
                if user.role in roles and (html := render(user))]


nav = NavRegistry()
