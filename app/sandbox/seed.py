"""Deterministic generation of the sandbox organisation: people, the executive's posts, comments.

``build_seed()`` is pure: the same seed gives byte-identical data. ``CommentWriter`` writes
one comment body for a topic and is shared with the simulation endpoints, so comments that
"other people" add at runtime read like the seeded ones.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import msgspec

from app.sandbox import corpus

SEED = 20250113
PEOPLE_COUNT = 320
EXEC_ID = "u1"
#: Default anchor: seeding at the same anchor gives the same data, byte for byte.
DEFAULT_ANCHOR = datetime(2025, 11, 12, 0, 0, tzinfo=UTC)
_POST_SPACING = timedelta(days=9)
_LEVEL_WEIGHTS = (("IC", 0.55), ("Frontline", 0.45))


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with a trailing Z and whole seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def exec_first_name() -> str:
    return corpus.EXECUTIVE["name"].split()[0]


class SeedComment(msgspec.Struct):
    post_id: str
    author_id: str
    body_html: str
    created: datetime
    parent: SeedComment | None = None
    cluster: str | None = None
    edited: datetime | None = None
    deleted: bool = False
    answered: bool = False
    id: str = ""
    replies: list[SeedComment] = msgspec.field(default_factory=list)

    @property
    def root(self) -> SeedComment | None:
        node = self.parent
        while node is not None and node.parent is not None:
            node = node.parent
        return node


class SeedData(msgspec.Struct):
    people: list[dict]
    posts: list[dict]
    comments: list[dict]


class CommentWriter:
    """Writes comment bodies (simple HTML) on a topic, in the voice of a given person."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.exec_first = exec_first_name()

    def _fill(self, template: str, topic: str, dept: str) -> str:
        return template.format(
            topic=self.rng.choice(corpus.TOPIC_PHRASES[topic]),
            exec=self.exec_first,
            site=self.rng.choice(corpus.SITES),
            dept=dept,
            n=self.rng.randrange(10_000),
        )

    def clusters_for(self, topic: str) -> list[str]:
        return [cid for cid, (topics, _, _) in corpus.QUESTION_CLUSTERS.items() if topic in topics]

    def question(self, topic: str, dept: str, cluster: str | None = None) -> tuple[str, str]:
        """(body_html, cluster id) for a question from one of the topic's clusters."""
        cluster = cluster or self.rng.choice(self.clusters_for(topic))
        phrasing = self.rng.choice(corpus.QUESTION_CLUSTERS[cluster][1])
        frame = self.rng.random()
        if frame < 0.5:
            text = phrasing
        elif frame < 0.7:
            text = f"Thanks for the update. {phrasing}"
        elif frame < 0.85:
            text = f"{phrasing} Asking for my team in {self.rng.choice(corpus.SITES)}."
        else:
            text = f"<b>{phrasing}</b> Nobody in {dept} seems to know."
        return f"<p>{text}</p>", cluster

    def reaction(self, kind: str, topic: str, dept: str) -> str:
        pool = {
            "praise": corpus.PRAISE,
            "pushback": corpus.PUSHBACK,
            "remark": corpus.REMARKS,
            "peer": corpus.PEER_REPLIES,
        }[kind]
        return f"<p>{self._fill(self.rng.choice(pool), topic, dept)}</p>"

    def mention(self, topic: str, dept: str) -> str:
        text = self._fill(self.rng.choice(corpus.MENTIONS), topic, dept)
        if self.rng.random() < 0.3:
            link = f'<a href="https://people.example.com/{EXEC_ID}">@{self.exec_first}</a>'
            text = text.replace(f"@{self.exec_first}", link, 1)
        return f"<p>{text}</p>"

    def hostile(self) -> str:
        return self.rng.choice(corpus.HOSTILE).format(n=self.rng.randrange(10_000))

    def my_answer(self, asker_first: str, cluster: str | None) -> str:
        if cluster is not None and self.rng.random() < 0.8:
            return f"<p>Thanks {asker_first} — {corpus.QUESTION_CLUSTERS[cluster][2]}</p>"
        return f"<p>{asker_first}, {self.rng.choice(corpus.MY_GENERIC_ANSWERS)}</p>"

    def top_level(self, topic: str, dept: str) -> tuple[str, str | None]:
        """A top-level comment by someone else: (body_html, cluster or None)."""
        roll = self.rng.random()
        if roll < 0.42:
            return self.question(topic, dept)
        if roll < 0.62:
            return self.reaction("praise", topic, dept), None
        if roll < 0.76:
            return self.reaction("pushback", topic, dept), None
        if roll < 0.87:
            return self.mention(topic, dept), None
        if roll < 0.975:
            return self.reaction("remark", topic, dept), None
        return self.hostile(), None

    def reply_to(self, parent_cluster: str | None, topic: str, dept: str) -> tuple[str, str | None]:
        """A reply by someone else; echoes the parent's question in new words now and then."""
        roll = self.rng.random()
        if parent_cluster is not None and roll < 0.3:
            return self.question(topic, dept, parent_cluster)
        if roll < 0.8:
            return self.reaction("peer", topic, dept), None
        if roll < 0.97:
            return self.reaction("pushback", topic, dept), None
        return self.hostile(), None


def _people(rng: random.Random) -> list[dict]:
    pairs = [(f, last) for f in corpus.FIRST_NAMES for last in corpus.LAST_NAMES]
    names = [f"{f} {last}" for f, last in rng.sample(pairs, PEOPLE_COUNT)]
    departments = list(corpus.DEPARTMENTS)
    people = [{"id": EXEC_ID, "num": 1, **corpus.EXECUTIVE}]
    for index, name in enumerate(names):
        dept = departments[index % len(departments)]
        vp, director, manager, ics, frontline = corpus.DEPARTMENTS[dept]
        rank = index // len(departments)
        if rank == 0:
            level, title = "VP", vp
        elif rank < 3:
            level, title = "Director", director
        elif rank < 7:
            level, title = "Manager", manager
        else:
            level = "Frontline" if frontline and rng.random() < 0.45 else "IC"
            title = rng.choice(frontline if level == "Frontline" else ics)
        people.append(
            {
                "id": f"u{index + 2}",
                "num": index + 2,
                "name": name,
                "title": title,
                "department": dept,
                "level": level,
            }
        )
    return people


def _posts(anchor: datetime) -> list[dict]:
    """Posts nine days apart, the newest five days before ``anchor`` (midnight UTC)."""
    base = anchor - (len(corpus.POSTS) - 1) * _POST_SPACING - timedelta(days=5, hours=-9)
    posts = []
    for index, (_topic, title, body) in enumerate(corpus.POSTS):
        created = base + index * _POST_SPACING + timedelta(hours=(index * 7) % 10)
        posts.append(
            {
                "id": f"p{index + 1}",
                "num": index + 1,
                "title": title,
                "body": body,
                "format": "markdown",
                "created_at": iso(created),
                "updated_at": iso(created),
                "deleted": 0,
            }
        )
    return posts


def _thread_for_post(
    rng: random.Random, writer: CommentWriter, post: dict, topic: str, people: list[dict]
) -> list[SeedComment]:
    others = people[1:]
    moment = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
    comments: list[SeedComment] = []
    for _ in range(rng.randint(56, 74)):
        moment += timedelta(minutes=rng.randint(1, 150))
        unanswered = [
            c
            for c in comments[-25:]
            if c.cluster and not c.answered and c.author_id != EXEC_ID and not c.deleted
        ]
        if unanswered and rng.random() < 0.14:
            target = rng.choice(unanswered)
            target.answered = True
            asker = people[int(target.author_id[1:]) - 1]["name"].split()[0]
            body = writer.my_answer(asker, target.cluster)
            comment = SeedComment(post["id"], EXEC_ID, body, moment, parent=target)
        else:
            author = rng.choice(others)
            if comments and rng.random() < 0.3:
                parent = rng.choice(comments)
                body, cluster = writer.reply_to(parent.cluster, topic, author["department"])
                comment = SeedComment(post["id"], author["id"], body, moment, parent, cluster)
            else:
                body, cluster = writer.top_level(topic, author["department"])
                comment = SeedComment(post["id"], author["id"], body, moment, cluster=cluster)
            roll = rng.random()
            if roll < 0.03:
                comment.edited = moment + timedelta(minutes=rng.randint(2, 90))
                comment.body_html = comment.body_html.replace(
                    "</p>", " (Edited for clarity.)</p>", 1
                )
            elif roll < 0.04:
                comment.deleted = True
        if comment.parent is not None:
            comment.parent.replies.append(comment)
        comments.append(comment)
    return comments


def build_seed(seed: int = SEED, anchor: datetime = DEFAULT_ANCHOR) -> SeedData:
    """The whole organisation, ready for insertion; comments carry their change seq.

    Content depends only on ``seed``; timestamps are laid out before ``anchor`` (truncated
    to midnight UTC) so a freshly seeded sandbox looks recent.
    """
    rng = random.Random(seed)
    writer = CommentWriter(rng)
    people = _people(rng)
    anchor = anchor.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    posts = _posts(anchor)
    thread: list[SeedComment] = []
    for post, (topic, _, _) in zip(posts, corpus.POSTS, strict=True):
        thread.extend(_thread_for_post(rng, writer, post, topic, people))
    thread.sort(key=lambda c: c.created)  # stable: parents precede their replies
    for number, comment in enumerate(thread, start=1):
        comment.id = f"c{number}"
    rows = []
    for number, comment in enumerate(thread, start=1):
        root = comment.root
        rows.append(
            {
                "id": comment.id,
                "num": number,
                "post_id": comment.post_id,
                "parent_id": comment.parent.id if comment.parent else None,
                "root_id": root.id if root else None,
                "author_id": comment.author_id,
                "body_html": "" if comment.deleted else comment.body_html,
                "created_at": iso(comment.created),
                "edited_at": iso(comment.edited) if comment.edited else None,
                "version": 2 if comment.edited else 1,
                "deleted": int(comment.deleted),
                "seq": number,
                "cluster": comment.cluster,
            }
        )
    return SeedData(people=people, posts=posts, comments=rows)
