"""Public services registry, responsible persons and the Annex 1 workflow."""
