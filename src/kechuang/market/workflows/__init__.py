"""The market's workflows, declared as data (DESIGN.md §3)."""
