"""A record → the document model: templates (templating, template_cache), Markdown
(markdown), wording in a language (formatting, languages) and charts (comparisons), put
together by :mod:`memo_gen.compose.composer`."""
