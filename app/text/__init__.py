"""Text handling without Qt: HTML to text, classification, Markdown, sanitising, templates,
numbers with their nouns."""
