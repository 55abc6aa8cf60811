"""Text inside a sentence: `{{ label|in_sentence }}` lowers a label's first letter for use
mid-sentence ("Add presenting"), but leaves a label holding an acronym or a proper name as
it is ("Add CPR/AED renewal", "Add First Aid / AED renewal", "… NCCA-accredited …").

Built in (settings TEMPLATES builtins), so no template needs to load it.
"""

from django import template

register = template.Library()


def in_sentence(text) -> str:
    text = str(text)
    if any(c.isupper() for c in text[1:]):
        return text
    return text[:1].lower() + text[1:]


register.filter("in_sentence", in_sentence)
