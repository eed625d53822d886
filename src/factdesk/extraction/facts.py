"""Facts."""
def find_facts(doc, base, kind, found): return []
