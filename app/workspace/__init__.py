"""The two-laptop workspace: a principal and their delegates share triage, notes, reply
drafts, approvals, snippets, VIP tiers set by hand and the principal's pulled comments
through files each device writes for itself (a synced folder or WebDAV), merged by a CRDT
(pycrdt) and sealed end to end.

    errors.py     the workspace's errors (wrong key, unreachable shared store...)
    sealing.py    authenticated encryption of every file, keys from scrypt
    pairing.py    the pairing code (text and QR) a delegate joins with
    envelopes.py  a rotated key handed to each remaining member, and no one else
    transport.py  the shared store: a folder or a WebDAV collection
    replica.py    this device's copy of the shared document, its outgoing updates
    shared.py     typed reads and writes of the shared document
    shared_snippets.py  its saved replies (snippets), and how two devices' edits settle
    snippet_bridge.py   snippets between this device's database and the document
    stamps.py     ids and times of the document's records
    post_bridge.py  post drafts between this device's database and the document
    picture_blobs.py  the pictures of shared post drafts, one sealed file each
    settings.py   which workspace this device is in, its role and device id
    audit.py      provenance as CSV

No Qt here; ``app.core.workspace`` is the door front ends use.
"""
