"""The thread pane: the post, the chain of parents and the comment, rendered safely."""
