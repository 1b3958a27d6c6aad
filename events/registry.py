"""How the apps built on the core contribute to shared places without the core importing them.

Dependencies point one way: checkin and networking build on events, never back, and not on each
other. So where one app needs what another brings (a backup holds every app's rows, the dashboard
shows networking's offers), the core declares the place as a `Registry` and each app registers its
contribution in a module of its own, found like `admin.py`: `<app>/backup.py`, `<app>/dashboard.py`,
`<app>/exports.py`, `<app>/extras.py`, `<app>/calendar.py`. The first time a registry is read it imports that module
of every installed app (once); the contributions then come in the order of INSTALLED_APPS, and
within one app in the order they were registered, however the modules were imported before.
"""

import itertools
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.apps import apps
from django.utils.module_loading import autodiscover_modules

T = TypeVar("T")

_sequence = itertools.count()


@dataclass(frozen=True)
class _Entry(Generic[T]):
    item: T
    module: str  # the module that registered it: its app decides the order
    sequence: int


class Registry(Generic[T]):
    def __init__(self, module: str):
        self.module = module  # the name of the module each app registers from, e.g. "backup"
        self._entries: list[_Entry[T]] = []
        self._discovered = False

    def register(self, item: T, *, stacklevel: int = 1) -> T:
        """Add a contribution; returns it, so it also works as a decorator. `stacklevel` as for
        warnings.warn: 2 when a helper of the core registers on its caller's behalf."""
        module = sys._getframe(stacklevel).f_globals.get("__name__", "")
        self._entries.append(_Entry(item, module, next(_sequence)))
        return item

    def discover(self) -> None:
        if not self._discovered:
            autodiscover_modules(self.module)
            self._discovered = True

    def __iter__(self) -> Iterator[T]:
        self.discover()
        order = {config.name: index for index, config in enumerate(apps.get_app_configs())}

        def key(entry: _Entry[T]) -> tuple[int, int]:
            config = apps.get_containing_app_config(entry.module)
            return (order[config.name] if config else len(order), entry.sequence)

        return iter([entry.item for entry in sorted(self._entries, key=key)])
