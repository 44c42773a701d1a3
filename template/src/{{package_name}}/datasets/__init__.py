"""Datamodules: one file per dataset, all built on ``ImageDataModule``."""
