"""Provenance of every approved reply (who drafted it, who approved it, what changed at
approval, when it went out) and the CSV that ``fireside audit`` prints for compliance."""

from __future__ import annotations

import csv
import io

from app.workspace.model import Provenance, Reply, VersionKind
from app.workspace.shared import SharedDoc

COLUMNS = (
    "reply_id",
    "comment",
    "drafted_by",
    "drafted_at",
    "submitted_text",
    "approved_by",
    "approved_at",
    "approved_text",
    "changed_at_approval",
    "outbox_state",
    "sent_at",
    "sent_by",
)


def of_reply(shared: SharedDoc, reply: Reply) -> Provenance | None:
    """None until the reply is approved (or, sent without approval, queued)."""
    if reply.sender:
        return _sent_without_approval(shared, reply)
    approval = reply.approval
    if approval is None:
        return None
    by_id = {v.id: v for v in reply.versions}
    approved = by_id.get(approval.version_id)
    if approved is None:
        return None
    drafted = [v for v in reply.versions if v.kind is not VersionKind.EDITED_AT_APPROVAL]
    submitted = drafted[-1] if drafted else approved
    return Provenance(
        reply.id,
        reply.comment_key,
        shared.name_of(submitted.by),
        submitted.at,
        submitted.text,
        shared.name_of(approval.by),
        approval.at,
        approved.text,
        approved.text != submitted.text,
        reply.sent.state if reply.sent else "",
        reply.sent.at if reply.sent else "",
        shared.name_of(approval.by),
    )


def _sent_without_approval(shared: SharedDoc, reply: Reply) -> Provenance:
    """A delegate's reply on a network allowed without approval: their device sent it."""
    last = reply.versions[-1]
    return Provenance(
        reply.id,
        reply.comment_key,
        shared.name_of(last.by),
        last.at,
        last.text,
        "",
        "",
        last.text,
        False,
        reply.sent.state if reply.sent else "",
        reply.sent.at if reply.sent else "",
        shared.name_of(reply.sender),
    )


def provenance(shared: SharedDoc, since: str = "") -> list[Provenance]:
    """Replies approved (or, sent without approval, written) at or after ``since`` (an
    ISO date or time)."""
    found = (of_reply(shared, r) for r in shared.replies())
    return [p for p in found if p is not None and (p.approved_at or p.drafted_at) >= since]


def to_csv(rows: list[Provenance]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for p in rows:
        writer.writerow(
            [
                p.reply_id,
                p.comment_key,
                p.drafted_by,
                p.drafted_at,
                p.submitted_text,
                p.approved_by,
                p.approved_at,
                p.approved_text,
                "yes" if p.changed_at_approval else "no",
                p.sent_state,
                p.sent_at,
                p.sent_by,
            ]
        )
    return out.getvalue()
