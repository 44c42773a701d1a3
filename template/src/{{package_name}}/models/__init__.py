"""Models: a LightningModule wrapper plus the networks it can wrap (built from configs)."""
