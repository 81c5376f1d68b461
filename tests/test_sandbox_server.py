"""The sandbox server over real HTTP: seed, auth, paging, cursors, persistence, idempotency,
rate limits, faults and the control surface."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import msgspec
import pytest

from app.sandbox import SandboxServer
from app.sandbox.seed import build_seed
from app.sandbox.state import SandboxState

pytest_plugins = ["sandbox_fixtures"]

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[1]


def all_pages(http: httpx.Client, path: str, **params) -> list[dict]:
    items, token = [], None
    for _ in range(100):
        query = {"limit": 200, **params, **({"page_token": token} if token else {})}
        response = http.get(API + path, params=query)
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        token = response.json()["next_page_token"]
        if token is None:
            return items
    raise AssertionError("paging did not end")


def reply(
    http: httpx.Client, comment_id: str, body: str, key: str | None = None, **extra
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return http.post(
        f"{API}/comments/{comment_id}/replies",
        headers=headers,
        json={"body": body, "format": "markdown", **extra},
    )


# -- seed ---------------------------------------------------------------------------------


def test_seed_is_a_realistic_organisation(sandbox_server, sandbox_http):
    people = all_pages(sandbox_http, "/people")
    assert len(people) >= 300
    assert len({p["id"] for p in people}) == len(people)
    assert {"VP", "Director", "Manager", "IC", "Frontline"} <= {p["level"] for p in people}
    assert len({p["name"].split()[0] for p in people}) > 80
    me = sandbox_http.get(f"{API}/me").json()
    assert me["title"] == "Chief Executive Officer" and me["id"] == "u1"

    posts = all_pages(sandbox_http, "/posts")
    assert len(posts) >= 30
    assert any("reorg" in p["title"].lower() for p in posts)

    response = sandbox_http.get(f"{API}/comments", params={"limit": 200})
    comments = all_pages(sandbox_http, "/comments")
    assert response.json()["cursor"] == str(comments[199]["seq"])
    assert len(comments) >= 2000
    assert [c["seq"] for c in comments] == sorted(c["seq"] for c in comments)
    replies = [c for c in comments if c["parent_id"]]
    assert len(replies) > 400
    assert any(c["root_id"] != c["parent_id"] for c in replies)  # nested deeper than one
    by_id = {c["id"]: c for c in comments}
    assert all(by_id[c["root_id"]]["root_id"] is None for c in replies)
    mine = [c for c in replies if c["author"]["id"] == me["id"]]
    assert len(mine) > 50
    assert sum("@Dana" in c["body_html"] for c in comments) > 50
    assert any("<script>" in c["body_html"] for c in comments)
    assert any("<img src=" in c["body_html"] for c in comments)
    assert any(c["deleted"] and c["body_html"] == "" for c in comments)
    assert any(c["version"] > 1 and c["edited_at"] for c in comments)


def test_seed_has_question_clusters_in_different_words(sandbox_server):
    clusters = sandbox_server.question_clusters()
    assert len(clusters) >= 10
    bonus = clusters["bonus"]
    state = sandbox_server.state
    texts = {state.comment(cid, include_deleted=True)["body_html"] for cid in bonus}
    assert len(bonus) >= 10 and len(texts) >= 6
    assert len({state.comment(cid, include_deleted=True)["author"]["id"] for cid in bonus}) >= 10


def test_seed_is_deterministic_and_fast():
    started = time.perf_counter()
    first = build_seed()
    assert time.perf_counter() - started < 2.0
    second = build_seed()
    digest = [
        hashlib.sha256(json.dumps(msgspec.structs.asdict(d), sort_keys=True).encode()).hexdigest()
        for d in (first, second)
    ]
    assert digest[0] == digest[1]
    assert len(first.comments) >= 2000


def test_seeding_state_takes_under_two_seconds(tmp_path):
    started = time.perf_counter()
    state = SandboxState(tmp_path / "s")
    try:
        assert time.perf_counter() - started < 2.0
        assert state.stats()["comments"] >= 2000
    finally:
        state.close()


# -- auth, errors, paging -----------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic abc", "Bearer"])
def test_requests_without_the_token_get_401(sandbox_server, header):
    headers = {"Authorization": header} if header else {}
    response = httpx.get(sandbox_server.url + f"{API}/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_control_needs_its_secret(sandbox_server):
    response = httpx.get(sandbox_server.url + "/_control/requests")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_errors_use_one_shape(sandbox_http):
    cases = [
        (sandbox_http.get(f"{API}/nope"), 404, "not_found"),
        (sandbox_http.get(f"{API}/comments/c999999"), 404, "not_found"),
        (sandbox_http.put(f"{API}/me"), 405, "method_not_allowed"),
        (sandbox_http.get(f"{API}/people", params={"limit": 500}), 400, "bad_request"),
        (sandbox_http.get(f"{API}/people", params={"page_token": "zzz"}), 400, "bad_request"),
        (sandbox_http.get(f"{API}/comments", params={"since": "abc"}), 400, "bad_request"),
        (reply(sandbox_http, "c8", "x" * 4001), 422, "too_long"),
        (
            sandbox_http.post(f"{API}/posts", json={"title": "T", "body": "x" * 20001}),
            422,
            "too_long",
        ),
        (sandbox_http.post(f"{API}/posts", content=b"{not json"), 400, "bad_request"),
        (reply(sandbox_http, "c8", "hi", post_id="p2"), 422, "post_mismatch"),
        (sandbox_http.patch(f"{API}/comments/c2", json={"body": "mine now"}), 403, "forbidden"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code
        assert response.json()["error"]["message"]


def test_paging_people_covers_everyone_once(sandbox_http):
    first = sandbox_http.get(f"{API}/people", params={"limit": 100}).json()
    assert len(first["items"]) == 100 and first["next_page_token"]
    everyone = all_pages(sandbox_http, "/people")
    paged, token = [], None
    for _ in range(10):
        page = sandbox_http.get(
            f"{API}/people", params={"limit": 100, **({"page_token": token} if token else {})}
        ).json()
        paged += page["items"]
        token = page["next_page_token"]
        if not token:
            break
    assert paged == everyone
    assert sandbox_http.get(f"{API}/people/{everyone[5]['id']}").json() == everyone[5]


# -- change cursor ------------------------------------------------------------------------


def test_since_cursor_sees_each_change_once(sandbox_server, sandbox_http):
    cursor = sandbox_http.get(f"{API}/comments", params={"limit": 1}).json()["cursor"]
    everything = all_pages(sandbox_http, "/comments")
    cursor = str(everything[-1]["seq"])
    again = sandbox_http.get(f"{API}/comments", params={"since": cursor}).json()
    assert again == {"items": [], "next_page_token": None, "cursor": cursor}

    target, doomed = [c for c in everything if not c["deleted"] and c["author"]["id"] != "u1"][:2]
    edited = sandbox_server.simulate_edit(target["id"])
    new = sandbox_server.simulate_comments(3, parent_id=target["id"])
    tomb = sandbox_server.simulate_delete(doomed["id"])
    page = sandbox_http.get(f"{API}/comments", params={"since": cursor}).json()
    ids = [c["id"] for c in page["items"]]
    assert ids == [target["id"], *(c["id"] for c in new), doomed["id"]]
    assert page["items"][0]["version"] == target["version"] + 1 == edited["version"]
    assert page["items"][0]["edited_at"]
    assert all(c["parent_id"] == target["id"] for c in page["items"][1:4])
    assert page["items"][-1]["deleted"] is True and tomb["deleted"] is True
    assert int(page["cursor"]) > int(cursor)
    assert sandbox_http.get(f"{API}/comments/{doomed['id']}").status_code == 404


def test_thread_and_replies_listings(sandbox_http):
    thread = all_pages(sandbox_http, "/posts/p3/comments")
    assert thread and all(c["post_id"] == "p3" and not c["deleted"] for c in thread)
    parent = next(c for c in thread if any(r["parent_id"] == c["id"] for r in thread))
    replies = sandbox_http.get(f"{API}/comments/{parent['id']}/replies").json()["items"]
    assert replies == [r for r in thread if r["parent_id"] == parent["id"]]


# -- writes, idempotency, persistence -----------------------------------------------------


def test_post_lifecycle(sandbox_http):
    created = sandbox_http.post(
        f"{API}/posts", json={"title": "Hello", "body": "*Hi*", "format": "markdown"}
    )
    assert created.status_code == 201
    post = created.json()
    assert post["url"].endswith(f"/p/{post['id']}") and post["created_at"].endswith("Z")
    assert sandbox_http.get(f"{API}/posts", params={"limit": 1}).json()["items"][0] == post
    edited = sandbox_http.patch(f"{API}/posts/{post['id']}", json={"body": "Hi again"}).json()
    assert edited["body"] == "Hi again" and edited["title"] == "Hello"
    top = sandbox_http.post(f"{API}/posts/{post['id']}/comments", json={"body": "First!"})
    assert top.status_code == 201 and top.json()["root_id"] is None
    assert sandbox_http.delete(f"{API}/posts/{post['id']}").status_code == 204
    assert sandbox_http.delete(f"{API}/posts/{post['id']}").status_code == 204
    assert sandbox_http.delete(f"{API}/posts/p99999").status_code == 404
    assert sandbox_http.get(f"{API}/posts/{post['id']}").status_code == 404
    assert sandbox_http.get(f"{API}/comments/{top.json()['id']}").status_code == 404


def test_idempotency_key_replays_without_applying_again(sandbox_server, sandbox_http):
    first = reply(sandbox_http, "c8", "Thanks!", key="key-1")
    second = reply(sandbox_http, "c8", "Thanks!", key="key-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    committed = [r for r in sandbox_server.requests() if r["idempotency_key"] == "key-1"]
    assert [(r["committed"], r["replayed"]) for r in committed] == [(True, False), (False, True)]
    replies = sandbox_http.get(f"{API}/comments/c8/replies").json()["items"]
    assert sum(r["body_html"] == "<p>Thanks!</p>" for r in replies) == 1

    reused = sandbox_http.delete(f"{API}/comments/c9", headers={"Idempotency-Key": "key-1"})
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_writes_lookup_reports_committed_keys(sandbox_http):
    assert sandbox_http.get(f"{API}/writes/key-2").status_code == 404
    made = reply(sandbox_http, "c8", "Noted", key="key-2").json()
    record = sandbox_http.get(f"{API}/writes/key-2").json()
    assert record["key"] == "key-2" and record["id"] == made["id"]
    assert (record["status"], record["kind"]) == (201, "comment")
    rejected = reply(sandbox_http, "c8", "x" * 5000, key="key-3")
    assert rejected.status_code == 422
    assert sandbox_http.get(f"{API}/writes/key-3").status_code == 404


def test_idempotency_records_expire(tmp_path):
    with SandboxServer(tmp_path / "s", token="t", idempotency_ttl_s=0.0) as server:
        headers = {"Authorization": "Bearer t", "Idempotency-Key": "old"}
        first = httpx.post(
            f"{server.url}{API}/comments/c8/replies", headers=headers, json={"body": "a"}
        )
        second = httpx.post(
            f"{server.url}{API}/comments/c8/replies", headers=headers, json={"body": "a"}
        )
        assert first.json()["id"] != second.json()["id"]


def test_state_survives_restart(tmp_path):
    state_dir = tmp_path / "state"
    with SandboxServer(state_dir) as server:
        token, port = server.token, server.port
        http = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
        with http:
            made = reply(http, "c8", "Persist me", key="persist").json()
            sandbox_seq = server.stats()["seq"]
    with SandboxServer(state_dir, port=port) as server:
        assert server.token == token  # the token is kept in the state
        http = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
        with http:
            assert http.get(f"{API}/comments/{made['id']}").json() == made
            assert http.get(f"{API}/writes/persist").json()["id"] == made["id"]
            replayed = reply(http, "c8", "Persist me", key="persist")
            assert replayed.headers["Idempotent-Replayed"] == "true"
            newer = reply(http, "c8", "After restart").json()
            assert newer["seq"] == sandbox_seq + 1
        assert server.stats()["comments"] == len(build_seed().comments) + 2


# -- rate limit and faults ----------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(sandbox_server, sandbox_http):
    sandbox_server.set_rate_limit(3, 60.0)
    statuses = [sandbox_http.get(f"{API}/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = sandbox_http.get(f"{API}/me")
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 19 <= int(limited.headers["Retry-After"]) <= 20  # one token per 20 s


def test_rate_limit_storm_fault_with_and_without_retry_after(sandbox_server, sandbox_http):
    sandbox_server.add_fault("rate_limit", 2, retry_after=7, path_prefix=f"{API}/me")
    sandbox_server.add_fault("rate_limit", 1)
    answers = [sandbox_http.get(f"{API}/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 429]
    assert [a.headers.get("Retry-After") for a in answers] == ["7", "7", None]
    assert sandbox_http.get(f"{API}/me").status_code == 200


def test_error_fault_does_not_apply_the_write(sandbox_server, sandbox_http):
    sandbox_server.add_fault("error", status=502, method="POST")
    failed = reply(sandbox_http, "c8", "Lost?", key="k502")
    assert failed.status_code == 502
    assert sandbox_http.get(f"{API}/writes/k502").status_code == 404
    log = [r for r in sandbox_server.requests() if r["idempotency_key"] == "k502"]
    assert [(r["status"], r["committed"], r["fault"]) for r in log] == [(502, False, "error")]


def test_drop_fault_commits_then_closes_the_socket(sandbox_server, sandbox_http):
    sandbox_server.add_fault("drop", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        reply(sandbox_http, "c8", "Did it land?", key="kdrop")
    assert sandbox_http.get(f"{API}/writes/kdrop").json()["kind"] == "comment"
    entry = next(r for r in sandbox_server.requests() if r["idempotency_key"] == "kdrop")
    assert entry["committed"] is True and entry["status"] is None


def test_malformed_and_truncated_bodies(sandbox_server, sandbox_http):
    sandbox_server.add_fault("malformed", path_prefix=f"{API}/me")
    response = sandbox_http.get(f"{API}/me")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    sandbox_server.add_fault("truncate")
    with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
        sandbox_http.get(f"{API}/people")
    assert sandbox_http.get(f"{API}/me").status_code == 200


def test_hang_fault_outlasts_the_client_timeout(sandbox_server):
    sandbox_server.add_fault("hang", hang_s=5.0)
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(
            f"{sandbox_server.url}{API}/me",
            timeout=0.3,
            headers={"Authorization": f"Bearer {sandbox_server.token}"},
        )
    assert time.perf_counter() - started < 2.0


def test_latency_is_applied_to_every_request(sandbox_server, sandbox_http):
    sandbox_server.set_latency(150)
    started = time.perf_counter()
    for _ in range(2):
        assert sandbox_http.get(f"{API}/me").status_code == 200
    assert time.perf_counter() - started >= 0.3
    sandbox_server.clear_faults()
    assert sandbox_server.faults.latency_ms == 0


def test_faults_match_method_and_path_and_count_down(sandbox_server, sandbox_http):
    sandbox_server.add_fault("error", 2, method="POST", path_prefix=f"{API}/comments")
    assert sandbox_http.get(f"{API}/comments/c8").status_code == 200
    assert sandbox_http.post(f"{API}/posts", json={"title": "t", "body": "b"}).status_code == 201
    assert [reply(sandbox_http, "c8", "x").status_code for _ in range(3)] == [503, 503, 201]
    assert sandbox_server.faults.pending() == []


# -- control surface over HTTP ------------------------------------------------------------


def test_control_endpoints_over_http(sandbox_server, sandbox_http):
    control = httpx.Client(
        base_url=sandbox_server.url + "/_control",
        headers={"X-Sandbox-Control": sandbox_server.token},
    )
    with control:
        assert control.post("/faults", json={"kind": "error", "status": 500}).status_code == 201
        assert control.get("/faults").json()["faults"][0]["kind"] == "error"
        assert sandbox_http.get(f"{API}/me").status_code == 500
        assert control.post("/faults", json={"kind": "bogus"}).status_code == 422
        assert control.post("/reset_log").status_code == 204
        sandbox_http.get(f"{API}/me")
        sandbox_http.get(f"{API}/me")
        log = control.get("/requests").json()["requests"]
        assert [(r["method"], r["path"], r["status"]) for r in log] == [
            ("GET", f"{API}/me", 200)
        ] * 2
        made = control.post(
            "/simulate", json={"action": "comments", "count": 4, "post_id": "p5"}
        ).json()["comments"]
        assert len(made) == 4 and {c["post_id"] for c in made} == {"p5"}
        assert all(c["author"]["id"] != "u1" for c in made)
        answer = control.post(
            "/simulate", json={"action": "my_reply", "comment_id": made[0]["id"]}
        ).json()
        assert answer["comments"][0]["author"]["id"] == "u1"
        assert answer["comments"][0]["parent_id"] == made[0]["id"]
        edited = control.post(
            "/simulate",
            json={"action": "edit", "comment_id": made[1]["id"], "body_html": "<p>changed</p>"},
        ).json()
        assert edited["comments"][0]["version"] == 2
        gone = control.post(
            "/simulate", json={"action": "delete", "comment_id": made[2]["id"]}
        ).json()
        assert gone["comments"][0]["deleted"] is True
        assert control.post("/rate_limit", json={"capacity": 1, "window_s": 60}).status_code == 200
        assert control.get("/stats").json()["posts"] >= 30
        assert "bonus" in control.get("/clusters").json()["clusters"]
        assert control.delete("/faults").status_code == 204
    assert sandbox_http.get(f"{API}/me").status_code == 200
    assert sandbox_http.get(f"{API}/me").status_code == 429


def test_request_log_counts_duplicates(sandbox_server, sandbox_http):
    sandbox_server.reset_log()
    for _ in range(3):
        reply(sandbox_http, "c8", "Once", key="dup")
    posts = [r for r in sandbox_server.requests() if r["method"] == "POST"]
    assert len(posts) == 3
    assert Counter(r["committed"] for r in posts) == {True: 1, False: 2}
    assert posts[0]["body"] == {"body": "Once", "format": "markdown"}


def test_serve_forever_prints_url_and_token(tmp_path):
    code = (
        "import sys; from app.sandbox import serve_forever; "
        "serve_forever(sys.argv[1], 0, 'cli-token')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "cli")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url_line, token_line = proc.stdout.readline(), proc.stdout.readline()
        assert url_line.startswith("Sandbox network listening on http://127.0.0.1:")
        assert token_line.strip() == "Token: cli-token"
        url = url_line.split()[-1]
        me = httpx.get(f"{url}{API}/me", headers={"Authorization": "Bearer cli-token"})
        assert me.json()["name"] == "Dana Whitfield"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_post_url_opens_a_sanitised_web_page(sandbox_server, sandbox_http):
    post = sandbox_http.get(f"{API}/posts/p1").json()
    page = httpx.get(post["url"])  # no token: a browser cannot send one
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert post["title"].replace("'", "&#x27;") in page.text
    hostile = [
        c for c in all_pages(sandbox_http, "/posts/p1/comments") if "<script" in c["body_html"]
    ]
    assert hostile and f'id="{hostile[0]["id"]}"' in page.text
    assert "<script" not in page.text and "<img" not in page.text
    assert httpx.get(f"{sandbox_server.url}/p/p999").status_code == 404
