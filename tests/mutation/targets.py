"""What mutation testing covers, and the score each part must reach.

A target is one module, or the functions of a connector that write and look writes up.
``patterns`` are mutmut mutant names (fnmatch): ``<module>.x_<function>__mutmut_<n>`` for a
function, ``<module>.xǁ<Class>ǁ<method>__mutmut_<n>`` for a method. Every file named here
must also be in ``[tool.mutmut] only_mutate`` (pyproject.toml), and the tests that cover it
in ``pytest_add_cli_args_test_selection``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The promises (never send twice, never show hostile content, back off politely).
CORE = 90.0
#: The connectors' writes and look-ups.
CONNECTOR = 80.0


@dataclass(frozen=True)
class Target:
    path: str  # the source file, relative to the repository
    threshold: float  # the least mutation score (killed / checked, in percent)
    functions: tuple[str, ...] = ()  # only these (Class.method or function); all if empty

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")

    @property
    def patterns(self) -> list[str]:
        if not self.functions:
            return [f"{self.module}.*"]
        return [f"{self.module}.{_mangled(name)}__mutmut_*" for name in self.functions]


def _mangled(name: str) -> str:
    cls, _, method = name.rpartition(".")
    return f"xǁ{cls}ǁ{method}" if cls else f"x_{method}"


_WRITES = ("publish", "reply", "edit", "delete", "lookup_write")

TARGETS = (
    Target("app/sync/sender.py", CORE),
    Target("app/sync/backoff.py", CORE),
    Target(
        "app/sync/engine.py",
        CORE,
        tuple(
            f"SyncEngine.{m}"
            for m in (
                "recover",
                "push",
                "_push",
                "push_all",
                "is_sending",
                "_quiesce",
                "_call",
                "_read",
            )
        ),
    ),
    Target("app/sync/scheduler.py", CORE),
    Target("app/store/outbox.py", CORE),
    Target("app/text/sanitize.py", CORE),
    Target("app/text/remote_text.py", CORE),
    Target("app/text/link_schemes.py", CORE),
    Target(
        "app/networks/sandbox.py",
        CONNECTOR,
        (*(f"SandboxNetwork.{m}" for m in _WRITES), "SandboxNetwork._path"),
    ),
    Target(
        "app/networks/wordpress/network.py",
        CONNECTOR,
        (
            *(f"WordPressNetwork.{m}" for m in _WRITES),
            "WordPressNetwork._find_written",
            "WordPressNetwork._comment_content",
            "WordPressNetwork._schedule",
            "WordPressNetwork._route",
            "_carrier",
            "_wp_id",
        ),
    ),
    Target("app/networks/wordpress/content.py", CONNECTOR),
    Target(
        "app/networks/matrix/connector.py",
        CONNECTOR,
        (
            *(f"MatrixNetwork.{m}" for m in _WRITES),
            "MatrixNetwork._concerned",
            "MatrixNetwork._about",
            "MatrixNetwork._split",
            "_reaches_back",
        ),
    ),
    Target("app/networks/matching.py", CONNECTOR),
    Target(
        "app/networks/microsoft/yammer/connector.py",
        CONNECTOR,
        (
            *(f"YammerNetwork.{m}" for m in _WRITES),
            "YammerNetwork._find_mine",
            "YammerNetwork._gone",
            "YammerNetwork._first",
            "YammerNetwork._target_community",
            "YammerNetwork._message_id",
            "_all_before",
        ),
    ),
    Target(
        "app/networks/microsoft/teams/connector.py",
        CONNECTOR,
        (
            *(f"TeamsNetwork.{m}" for m in _WRITES),
            "TeamsNetwork._find_mine",
            "TeamsNetwork._look_at",
            "TeamsNetwork._author",
            "TeamsNetwork._message",
            "TeamsNetwork._reply_ref",
            "TeamsNetwork._post_channel",
            "_messages",
            "_values",
        ),
    ),
    Target(
        "app/networks/mastodon/connector.py",
        CONNECTOR,
        (
            *(f"MastodonNetwork.{m}" for m in _WRITES),
            "MastodonNetwork._status",
            "MastodonNetwork._my_statuses",
            "MastodonNetwork._create",
            "MastodonNetwork._parent",
            "MastodonNetwork._text",
            "MastodonNetwork._same_text",
            "MastodonNetwork._top_level",
        ),
    ),
    Target(
        "app/networks/slack/connector.py",
        CONNECTOR,
        (
            *(f"SlackNetwork.{m}" for m in _WRITES),
            "SlackNetwork._lookup_on",
            "SlackNetwork._history",
            "SlackNetwork._thread",
            "SlackNetwork._sent",
            "SlackNetwork._oldest",
            "SlackNetwork._split",
            "SlackNetwork._post_parts",
            "SlackNetwork._comment_parts",
            "_metadata",
            "_next_cursor",
        ),
    ),
    Target(
        "app/networks/x/connector.py",
        CONNECTOR,
        (
            *(f"XNetwork.{m}" for m in _WRITES),
            "XNetwork._create",
            "XNetwork._search",
            "_written",
            "_text_of",
            "plain",
            "digest",
        ),
    ),
    Target(
        "app/networks/linkedin/connector.py",
        CONNECTOR,
        (
            *(f"LinkedInNetwork.{m}" for m in _WRITES),
            "LinkedInNetwork._gone",
            "LinkedInNetwork._edited",
            "LinkedInNetwork._published",
            "LinkedInNetwork._replied",
            "_created",
            "_modified_before",
            "_split",
            "_unescaped",
            "plain",
            "digest",
        ),
    ),
    # Replies bridged by hand: every write is refused, nothing is looked up.
    Target("app/networks/bridge.py", CONNECTOR),
    # The workspace's promises (only members read the shared files; every update arrives
    # once and nothing reported done is lost): what is sealed, the key handed to each
    # member, how updates travel as files and come back.
    Target("app/workspace/sealing.py", CORE),
    Target("app/workspace/envelopes.py", CORE),
    Target("app/workspace/replica.py", CORE),
    # Its plumbing, held to the connectors' mark: the folder and WebDAV stores (their
    # errors' wording), post drafts both ways.
    Target("app/workspace/transport.py", CONNECTOR),
    Target("app/workspace/post_bridge.py", CONNECTOR),
)
