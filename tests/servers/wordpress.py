"""A real WordPress on 127.0.0.1 for the integration tests (a pytest plugin).

Debian's packages (``wordpress mariadb-server php-cli php-mysql php-curl php-xml
php-mbstring``) provide everything; nothing outside the session's temp dir is touched:

- MariaDB runs without systemd on a private datadir and socket (no TCP).
- ``/usr/share/wordpress`` is copied (symlinks resolved: Debian links some libraries
  relatively) and given its own ``wp-config.php``: ``WP_ENVIRONMENT_TYPE`` "local", which
  lets Application Passwords work over plain http, no cron, no updates, no outgoing HTTP.
- ``wordpress/install.php`` installs the site (UTC, pretty permalinks, first comments
  approved at once) and creates the users of ``USERS`` with an Application Password each;
  ``wordpress/fireside-test.php`` (a must-use plugin) turns WordPress's 15-second comment
  flood check off unless a test turns it on (``set_flood_check``), and sends a comment
  malformed when a test asks it to (``mangle_comment``).
- ``php -S`` serves it through ``wordpress/router.php`` with a few workers.

The installed tables are copied once into a second database, ``pristine``; ``reset()``
copies them back (about 50 ms), so each test starts from the same freshly installed site.

Fixtures:

wordpress_server        (session) the started server; skipped when the packages are missing
                        or it cannot start, unless ``CI=true``, where that fails the run
wordpress               the same server, reset to the pristine site first
make_wordpress_network  factory ``(login="exec", url=None, **options) -> WordPressNetwork``
                        signed in with that user's application password; ``url`` routes it
                        elsewhere (a fault proxy). Closed after the test.
wordpress_fireside      factory ``(url=None, **options) -> Fireside``: the executive's
                        connector with a real ``Store`` and ``SyncEngine`` in tmp_path

``WordPressServer.rest(login)`` is a synchronous client for what the people around the
executive do (comment, reply, moderate) and ``sql`` reads the server's truth in asserts.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx
import psutil
import pytest
from fixtures.engine_harness import EngineHarness

from app.domain import Account, OutboxKind, PublishOptions, PullMode
from app.events import Events
from app.networks.wordpress import WordPressNetwork
from app.store import Store, accounts, outbox
from app.sync import Backoff, SyncEngine
from app.sync.engine import SyncReport

HELPERS = Path(__file__).with_suffix("")  # tests/servers/wordpress/
WORDPRESS_SOURCE = Path("/usr/share/wordpress")
ACCOUNT_ID = "wordpress-exec"
#: Quick retries: a test waits for conditions, not for production backoff.
FAST = Backoff(base=0.01, cap=0.05, max_attempts=6)
APT_PACKAGES = "wordpress mariadb-server php-cli php-mysql php-curl php-xml php-mbstring"
#: Generous bounds for slow CI machines; a healthy start takes a few seconds.
START_TIMEOUT_S = 60.0
COMMAND_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class WPUser:
    login: str
    id: int
    name: str
    role: str
    app_password: str


#: The site's people besides "admin" (administrator): (login, display name, role).
USERS = (
    ("exec", "Dana Chief", "editor"),  # the executive Fireside signs in as
    ("ada", "Ada Reyes", "subscriber"),
    ("ben", "Ben Okafor", "subscriber"),
    ("chen", "Chen Li", "subscriber"),
    ("avery", "Avery Writer", "author"),  # publishes, but has no unfiltered_html
    ("cory", "Cory Helper", "contributor"),  # may write drafts, never publish
)


class Unavailable(RuntimeError):
    """The server cannot run here (the message says why)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _missing_prerequisites() -> str | None:
    tools = ["php", "mariadbd", "mariadb-install-db", "mariadb", "mariadb-admin"]
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not (WORDPRESS_SOURCE / "wp-load.php").is_file():
        missing.append(str(WORDPRESS_SOURCE))
    if missing:
        return f"missing {', '.join(missing)} (apt-get install {APT_PACKAGES})"
    modules = subprocess.run(
        ["php", "-m"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
    ).stdout.split()
    if "mysqli" not in modules:
        return "PHP has no mysqli module (apt-get install php-mysql)"
    return None


class WordPressServer:
    """MariaDB + WordPress + ``php -S`` under ``root``; ``start()``, ``reset()``, ``stop()``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = root / "site"
        self.datadir = root / "db"
        self.socket = root / "mysql.sock"
        self.port = _free_port()
        self.users: dict[str, WPUser] = {}
        self._processes: list[psutil.Popen] = []
        self._php_workers: list[psutil.Process] = []
        self._tables: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/wp-json/wp/v2"

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> WordPressServer:
        problem = _missing_prerequisites()
        if problem:
            raise Unavailable(problem)
        try:
            self._start_database()
            self._copy_site()
            self._install()
            self._snapshot()
            self._start_php()
        except (OSError, subprocess.SubprocessError, Unavailable) as exc:
            self.stop()
            raise Unavailable(f"WordPress did not start: {exc}") from exc
        return self

    def stop(self) -> None:
        """Stop php -S (master and workers) and MariaDB, by the PIDs recorded at start."""
        for worker in self._php_workers:
            with contextlib.suppress(psutil.Error):
                worker.terminate()
        for process in reversed(self._processes):
            with contextlib.suppress(psutil.Error):
                process.terminate()
        alive = [*self._php_workers, *self._processes]
        _, left = psutil.wait_procs(alive, timeout=15)
        for process in left:
            with contextlib.suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(left, timeout=5)
        self._processes.clear()
        self._php_workers.clear()

    def reset(self) -> None:
        """Every table back to the freshly installed site (users and passwords included),
        rewrites on, flood check off."""
        self.set_rewrites(True)
        self.sql(
            "SET FOREIGN_KEY_CHECKS = 0; "
            + " ".join(
                f"TRUNCATE wordpress.{t}; INSERT INTO wordpress.{t} SELECT * FROM pristine.{t};"
                for t in self._tables
            )
        )

    # -- helpers for tests ---------------------------------------------------------------

    def sql(self, query: str) -> list[list[str]]:
        """Run SQL on the site's database; the rows, tab-separated fields split."""
        done = self._run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-B"],
            "wordpress",
            stdin=query,
        )
        return [line.split("\t") for line in done.stdout.splitlines()]

    def mangle_comment(self, comment_id: int, fields: dict) -> None:
        """Make the REST API send this comment with ``fields`` replaced, as a broken plugin
        would (the must-use plugin reads them from the comment's meta)."""
        value = json.dumps(fields).replace("\\", "\\\\").replace("'", "\\'")
        self.sql(
            "INSERT INTO wp_commentmeta (comment_id, meta_key, meta_value) "
            f"VALUES ({int(comment_id)}, 'fireside_test_mangle', '{value}')"
        )

    def rest(self, login: str, timeout: float = 10.0) -> httpx.Client:
        """A client for ``/wp-json/wp/v2/`` signed in as ``login``."""
        user = self.users[login]
        return httpx.Client(
            base_url=self.api + "/", auth=(user.login, user.app_password), timeout=timeout
        )

    def set_flood_check(self, on: bool) -> None:
        """Turn WordPress's own comment flood check on or off (see the must-use plugin)."""
        self.sql(
            "REPLACE INTO wp_options (option_name, option_value, autoload) "
            f"VALUES ('fireside_test_flood', '{int(on)}', 'yes')"
        )

    def set_rewrites(self, on: bool) -> None:
        """Off: the server acts as one without rewrite rules (pretty permalinks broken):
        /wp-json/ answers a plain 404; only ``/?rest_route=`` reaches the REST API."""
        flag = self.site / ".fireside-no-rewrites"
        if on:
            flag.unlink(missing_ok=True)
        else:
            flag.touch()

    # -- steps -----------------------------------------------------------------------------

    def _run(self, argv: list[str], *args: str, stdin: str | None = None):
        done = subprocess.run(
            [*argv, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            raise Unavailable(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def _spawn(self, argv: list[str], log_name: str, **kwargs) -> psutil.Popen:
        log = (self.root / log_name).open("ab")
        try:
            process = psutil.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, **kwargs
            )
        finally:
            log.close()
        self._processes.append(process)
        return process

    def _wait(self, what: str, ready, process: psutil.Popen) -> None:
        """Poll ``ready()`` until it is true; Unavailable if the process dies or time runs out."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if ready():
                return
            if process.poll() is not None:
                raise Unavailable(f"{what} exited with {process.returncode}; see {self.root}")
            time.sleep(0.05)
        raise Unavailable(f"{what} was not ready within {START_TIMEOUT_S:g} s; see {self.root}")

    def _start_database(self) -> None:
        self._run(
            ["mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}"],
            "--user=root",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        )
        process = self._spawn(
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--socket={self.socket}",
                "--skip-networking",
                "--user=root",
                f"--pid-file={self.root / 'mariadb.pid'}",
                f"--log-error={self.root / 'mariadb.err'}",
                "--innodb-buffer-pool-size=32M",
                "--skip-log-bin",
                "--performance-schema=OFF",
            ],
            "mariadb.out",
        )
        ping = ["mariadb-admin", "--no-defaults", f"--socket={self.socket}", "-uroot", "ping"]

        def answers() -> bool:
            done = subprocess.run(ping, capture_output=True, timeout=COMMAND_TIMEOUT_S, check=False)
            return done.returncode == 0

        self._wait("MariaDB", answers, process)
        self._run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot"],
            stdin="CREATE DATABASE wordpress CHARACTER SET utf8mb4; CREATE DATABASE pristine;",
        )

    def _copy_site(self) -> None:
        shutil.copytree(
            WORDPRESS_SOURCE,
            self.site,
            symlinks=False,
            ignore_dangling_symlinks=True,
            ignore=shutil.ignore_patterns(".htaccess", "wp-config.php"),
        )
        mu_plugins = self.site / "wp-content" / "mu-plugins"
        mu_plugins.mkdir(parents=True, exist_ok=True)
        shutil.copy(HELPERS / "fireside-test.php", mu_plugins)
        salts = "\n".join(
            f"define('{name}', '{secrets.token_hex(32)}');"
            for name in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        (self.site / "wp-config.php").write_text(
            f"""<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{self.socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
{salts}
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_HOME', '{self.url}');
define('WP_SITEURL', '{self.url}');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
""",
            encoding="utf-8",
        )

    def _install(self) -> None:
        config = {
            "dir": str(self.site),
            "url": self.url,
            "users": [
                {"login": login, "name": name, "email": f"{login}@example.test", "role": role}
                for login, name, role in USERS
            ],
        }
        done = self._run(["php", str(HELPERS / "install.php")], stdin=json.dumps(config))
        try:
            people = json.loads(done.stdout)
        except ValueError as exc:
            raise Unavailable(f"install.php printed no JSON: {done.stdout[-500:]!r}") from exc
        self.users = {p["login"]: WPUser(**p) for p in people}

    def _snapshot(self) -> None:
        self._tables = [row[0] for row in self.sql("SHOW TABLES")]
        self.sql(
            " ".join(
                f"CREATE TABLE pristine.{t} LIKE wordpress.{t}; "
                f"INSERT INTO pristine.{t} SELECT * FROM wordpress.{t};"
                for t in self._tables
            )
        )

    def _start_php(self) -> None:
        process = self._spawn(
            [
                "php",
                "-S",
                f"127.0.0.1:{self.port}",
                "-t",
                str(self.site),
                str(HELPERS / "router.php"),
            ],
            "php.log",
            env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
        )

        def answers() -> bool:
            try:
                return httpx.get(f"{self.url}/wp-json/", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        self._wait("php -S", answers, process)
        self._php_workers = process.children(recursive=True)


def _unavailable(reason: str) -> None:
    """Skip, or fail when CI=true: a CI run must not pass without its WordPress tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"WordPress integration server unavailable: {reason}")
    pytest.skip(f"WordPress integration server unavailable: {reason}")


@pytest.fixture(scope="session")
def wordpress_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPressServer]:
    server = WordPressServer(tmp_path_factory.mktemp("wordpress"))
    try:
        server.start()
    except Unavailable as exc:
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def wordpress(wordpress_server: WordPressServer) -> WordPressServer:
    wordpress_server.reset()
    return wordpress_server


@dataclass
class Fireside(EngineHarness):
    """Fireside signed in as the executive: the real connector, store and sync engine."""

    ACCOUNT: ClassVar[str] = ACCOUNT_ID

    server: WordPressServer
    network: WordPressNetwork
    store: Store
    engine: SyncEngine

    async def sync(self, *, ok: bool = True, mode: PullMode = PullMode.ROUTINE) -> SyncReport:
        report = await self.engine.sync(ACCOUNT_ID, mode)
        if ok:
            assert report.error is None, report.error
        return report

    def queue_reply(self, remote_id: str, body: str) -> int:
        return self.queue_reply_to(remote_id, body)

    def queue_post(self, title: str, body: str, options: PublishOptions) -> int:
        return self.store.run_sync(
            lambda db: outbox.enqueue(
                db, OutboxKind.PUBLISH, ACCOUNT_ID, body, title=title, options=options
            )
        )


def _connector(server: WordPressServer, login: str, url: str | None, **options) -> WordPressNetwork:
    user = server.users[login]
    client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0))
    return WordPressNetwork(client, url or server.url, user.login, user.app_password, **options)


@pytest.fixture
async def make_wordpress_network(wordpress: WordPressServer) -> AsyncIterator:
    made: list[WordPressNetwork] = []

    def make(login: str = "exec", url: str | None = None, **options) -> WordPressNetwork:
        made.append(_connector(wordpress, login, url, **options))
        return made[-1]

    try:
        yield make
    finally:
        for network in made:
            await network.aclose()


@pytest.fixture
async def wordpress_fireside(wordpress: WordPressServer, tmp_path: Path) -> AsyncIterator:
    made: list[Fireside] = []

    def make(url: str | None = None, **options) -> Fireside:
        data_dir = tmp_path / f"fireside-{len(made)}"
        data_dir.mkdir()
        store = Store(data_dir / "fireside.db")
        store.run_sync(
            accounts.add_account,
            Account(ACCOUNT_ID, "wordpress", "Blog", url or wordpress.url, username="exec"),
        )
        network = _connector(wordpress, "exec", url, **options)
        engine = SyncEngine(store, Events(), {ACCOUNT_ID: network}, backoff=FAST)
        made.append(Fireside(wordpress, network, store, engine))
        return made[-1]

    try:
        yield make
    finally:
        for fireside in made:
            await fireside.network.aclose()
            fireside.store.close()
