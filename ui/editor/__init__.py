"""The offline draft editor: Markdown with preview, autosave, history, publishing."""
