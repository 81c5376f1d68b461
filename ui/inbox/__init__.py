"""The triage inbox: a lazy list model over the store, its row painter, and the page."""
