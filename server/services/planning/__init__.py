"""Planning the day's rounds, pure: plain dataclasses in (orders to visit, technicians), a proposal out.
No database and no Flask; OR-Tools' routing solver does the search (`solver`), an independent
`checker` verifies what it proposes, `day_map` projects the positions for the board's map."""
