"""Batch replies: one template, personalised for many people, queued with one key."""
