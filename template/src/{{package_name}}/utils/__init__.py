"""Small helpers shared by the train, eval and export entry points."""
