"""VIP tiers: the rule that reads a tier from a directory's job title and level
(``tiers``) and the comms team's imported VIP lists (``csv_list``). No I/O beyond parsing
what is handed in; the store applies the results."""
