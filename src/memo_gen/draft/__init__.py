"""``memo-gen draft``: a starter record drafted from a published readout.

A readout (plain text, Markdown, HTML or DOCX) is read into numbered lines
(:mod:`~memo_gen.draft.sources`); small extractors each find one kind of fact in them
(dates, people and meetings, speech, figures, agreements, organisations, topics); and
:mod:`~memo_gen.draft.record` assembles what they found into a record written as YAML, every
value with a comment naming the source line it came from.

Precision comes before recall: an extractor drafts a value only where the text states it in
a form it knows, and leaves the field out otherwise (``memo-gen validate`` then lists what a
person must still supply, such as the memorandum's own date).
"""
