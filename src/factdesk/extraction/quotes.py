"""Quotes: direct speech in quotation marks, with the speaker resolved to a full name."""
def quote_spans(text): return []
def find_quotes(doc, base, ctx, quoted): return []
