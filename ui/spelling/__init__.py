"""Spell checking for every text box whose words are sent (replies, the editor's title
and text).

Public, for the rest of ui/: ``attach_spell_check`` (one call per text box: underlines as
you type, suggestions on right-click and Ctrl+., add to dictionary, the language to check
in) and ``SpellCheck`` (what it returns: the language, the words underlined, and signals
for whoever follows it). The modules are the feature's own.
"""

from ui.spelling.check import SpellCheck, attach_spell_check

__all__ = ["SpellCheck", "attach_spell_check"]
