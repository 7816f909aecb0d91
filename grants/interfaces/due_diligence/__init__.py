"""Due diligence: each round's checklist, officers' findings on each bid, and the registers the checks read."""
