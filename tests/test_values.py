"""The per-field rules of the app's value types (app/values.py): secrets and bytes out of
``repr``, bookkeeping out of equality and hashing."""

from __future__ import annotations

import random

from app.domain import Account, ImageUpload
from app.networks.oauth.tokens import Tokens
from app.sync.backoff import Backoff


def test_a_repr_shows_no_token() -> None:
    tokens = Tokens("secret-access", "secret-refresh", expires_at=5.0, scopes=("read",))
    assert repr(tokens) == "Tokens(expires_at=5.0, scopes=('read',), extra={})"
    assert tokens == Tokens("secret-access", "secret-refresh", 5.0, ("read",))
    assert tokens != Tokens("other", "secret-refresh", 5.0, ("read",))


def test_a_pretty_printer_shows_no_token_either() -> None:
    """rich's pretty printer (and its tracebacks with locals) reads a Struct through
    ``__rich_repr__``, not ``repr``: the tokens stay out there too, as a dataclass's
    ``repr=False`` fields did."""
    tokens = Tokens("secret-access", "secret-refresh", expires_at=5.0, scopes=("read",))
    shown = dict(tokens.__rich_repr__())
    assert shown == {"expires_at": 5.0, "scopes": ("read",), "extra": {}}


def test_a_repr_shows_no_picture_bytes() -> None:
    upload = ImageUpload(7, "chart.png", "image/png", 640, 480, b"\x89PNG" * 1000)
    assert repr(upload) == (
        "ImageUpload(image_id=7, name='chart.png', mime_type='image/png', width=640, height=480)"
    )


def test_accounts_compare_and_hash_without_their_settings() -> None:
    one = Account("a1", "matrix", "Me", "https://m.example", settings={"device": "D1"})
    same = Account("a1", "matrix", "Me", "https://m.example", settings={"device": "D2"})
    assert one == same and hash(one) == hash(same)
    assert {one, same} == {one}
    assert one != Account("a2", "matrix", "Me", "https://m.example")
    assert "settings={'device': 'D1'}" in repr(one)  # not a secret: shown


def test_backoffs_are_equal_by_their_delays_whatever_their_random_source() -> None:
    first = Backoff(base=2.0, rng=random.Random(1))
    assert first == Backoff(base=2.0, rng=random.Random(2))
    assert hash(first) == hash(Backoff(base=2.0))
    assert first != Backoff(base=3.0)
    assert "rng" not in repr(first)


def test_a_struct_of_another_type_is_never_equal() -> None:
    account = Account("a1", "matrix", "Me", "https://m.example")
    assert account != ("a1", "matrix", "Me", "https://m.example", "", None, None, None)
