"""Attributions."""
def find_attributions(sent, base, ctx, quoted): return []
