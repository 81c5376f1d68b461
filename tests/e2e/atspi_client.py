"""A small AT-SPI client, speaking D-Bus the way a screen reader's library (libatspi, which
Orca uses) does: ask the session bus for the accessibility bus, say a screen reader is
running (``org.a11y.Status.ScreenReaderEnabled``, what Orca sets, and what makes Qt start
its AT-SPI bridge), then read applications, their objects' names, roles and states,
press their actions, and listen for their events.

Written on jeepney (pure Python, already installed with keyring's Secret Service backend)
rather than pyatspi: pyatspi is only a Debian package (python3-pyatspi, bound through
GObject introspection to the system's Python), not installable into the test venv, while
the protocol it wraps is the few D-Bus calls below.

Interfaces and numbers follow at-spi2-core's xml/*.xml and atspi-constants.h.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jeepney import DBusAddress, MatchRule, Properties, message_bus, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields, Message, MessageType

ACCESSIBLE = "org.a11y.atspi.Accessible"
ACTION = "org.a11y.atspi.Action"
REGISTRY = "org.a11y.atspi.Registry"
EVENTS = "org.a11y.atspi.Event.Object"
ROOT = "/org/a11y/atspi/accessible/root"
#: AtspiStateType bits (atspi-constants.h).
FOCUSABLE, FOCUSED, SHOWING = 11, 12, 25


class Gone(Exception):
    """The application answered with an error: most often, the object no longer exists."""


@dataclass(frozen=True)
class Node:
    """One accessible object: the application that owns it and its object path."""

    bus_name: str
    path: str


@dataclass(frozen=True)
class Seen:
    """An object as read once: what a screen reader would say of it."""

    node: Node
    role: str
    name: str
    description: str
    states: frozenset[int]


class AtSpi:
    """A connection to the accessibility bus of the D-Bus session at ``session``."""

    def __init__(self, session: str) -> None:
        self._session = open_dbus_connection(bus=session)
        launcher = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus")
        status = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Status")
        # What Orca does when it starts: toolkits (Qt included) turn their bridge on.
        self._session.send_and_get_reply(Properties(status).set("ScreenReaderEnabled", "b", True))
        address = self._session.send_and_get_reply(new_method_call(launcher, "GetAddress")).body[0]
        self.bus: DBusConnection = open_dbus_connection(bus=address)
        self._filter = self.bus.filter(MatchRule(type="signal", interface=EVENTS))
        self._events = self._filter.queue
        #: What applications have announced so far, in order.
        self.heard: list[str] = []
        self.bus.send_and_get_reply(
            message_bus.AddMatch(MatchRule(type="signal", interface=EVENTS))
        )
        registry = DBusAddress("/org/a11y/atspi/registry", bus_name=REGISTRY, interface=REGISTRY)
        for event in ("object:announcement", "object:state-changed:focused"):
            self.bus.send_and_get_reply(new_method_call(registry, "RegisterEvent", "s", (event,)))

    def close(self) -> None:
        self._filter.close()
        self.bus.close()
        self._session.close()

    # --- reading ------------------------------------------------------------------------
    def _ask(self, message: Message) -> tuple[Any, ...]:
        reply = self.bus.send_and_get_reply(message)
        if reply.header.message_type is MessageType.error:
            raise Gone(f"{reply.header.fields.get(HeaderFields.error_name)}: {reply.body}")
        return tuple(reply.body)

    def _call(self, node: Node, interface: str, method: str, signature: str = "", *args: Any):
        address = DBusAddress(node.path, bus_name=node.bus_name, interface=interface)
        return self._ask(new_method_call(address, method, signature, args))

    def _property(self, node: Node, name: str, interface: str = ACCESSIBLE) -> Any:
        address = DBusAddress(node.path, bus_name=node.bus_name, interface=interface)
        return self._ask(Properties(address).get(name))[0][1]

    def applications(self) -> list[Node]:
        registry = Node(REGISTRY, ROOT)
        return [Node(*child) for child in self._call(registry, ACCESSIBLE, "GetChildren")[0]]

    def wait_until(self, condition: Any, what: str, timeout: float = 60.0) -> Any:
        """``condition()``'s first true answer, asked again whenever an event arrives on
        the bus (and at least every 0.2 s: another process's state has no signal for
        everything); TimeoutError naming ``what`` when none comes. An object that went
        away while being read counts as no answer yet."""
        deadline = time.monotonic() + timeout
        while (found := self._try(condition)) is None or found is False:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"waited {timeout:.0f} s for {what}")
            self._listen(min(left, 0.2))
        return found

    @staticmethod
    def _try(condition: Any) -> Any:
        try:
            return condition()
        except Gone:
            return None

    def _listen(self, timeout: float) -> None:
        """Take one event off the bus, if one comes within ``timeout``; keep what an
        announcement said."""
        with contextlib.suppress(TimeoutError):
            message = self.bus.recv_until_filtered(self._events, timeout=timeout)
            if message.header.fields.get(HeaderFields.member) == "Announcement":
                _detail, _politeness, _, (_signature, text), _ = message.body
                self.heard.append(str(text))

    def application(self, name: str, timeout: float = 60.0) -> Node:
        """The application called ``name``, once it has shown a window."""

        def shown() -> Node | None:
            apps = (a for a in self.applications() if self.name(a) == name)
            return next((a for a in apps if self.children(a)), None)

        return self.wait_until(shown, f"an application called {name!r}", timeout)

    def name(self, node: Node) -> str:
        return str(self._property(node, "Name"))

    def description(self, node: Node) -> str:
        return str(self._property(node, "Description"))

    def role(self, node: Node) -> str:
        return str(self._call(node, ACCESSIBLE, "GetRoleName")[0])

    def states(self, node: Node) -> set[int]:
        low, high = self._call(node, ACCESSIBLE, "GetState")[0]
        bits = low | (high << 32)
        return {bit for bit in range(64) if bits & (1 << bit)}

    def children(self, node: Node) -> list[Node]:
        return [Node(*child) for child in self._call(node, ACCESSIBLE, "GetChildren")[0]]

    def read(self, node: Node) -> Seen:
        return Seen(
            node,
            self.role(node),
            self.name(node),
            self.description(node),
            frozenset(self.states(node)),
        )

    def walk(self, node: Node, per_list: int = 40) -> Iterator[Seen]:
        """``node`` and what is showing below it, each read once; lists and tables read
        only their first ``per_list`` children (rows of thousands are alike). Objects
        that go away while being read (rows the app let go) are passed over."""
        try:
            seen = self.read(node)
            if SHOWING not in seen.states:
                return
            children = self.children(node)
        except Gone:
            return
        yield seen
        if seen.role in ("list", "table", "tree table", "tree"):
            children = children[:per_list]
        for child in children:
            yield from self.walk(child, per_list)

    def find(self, root: Node, role: str, name: str) -> Node:
        for seen in self.walk(root):
            if seen.role == role and seen.name == name:
                return seen.node
        raise LookupError(f"no {role} named {name!r}")

    # --- acting and listening -----------------------------------------------------------
    def press(self, node: Node) -> None:
        """The object's first action (a button's Press), as a screen reader's command."""
        assert self._call(node, ACTION, "DoAction", "i", 0)[0], f"{node} refused its action"

    def announced(self, text: str, timeout: float = 10.0) -> None:
        """Wait until an application has announced ``text``."""
        self.wait_until(lambda: text in self.heard, f"the announcement {text!r}", timeout)
