"""The framework-neutral half of every classification datamodule: its settings, the checks that name
config keys, and the preprocessing facts export writes. Each backend's ``ImageDataModule`` adds loaders."""

from pathlib import Path

from ..errors import UserError
from .images import IMAGE_SUFFIXES


def _names(names: set[str]) -> str:
    shown = sorted(names)[:5]
    return ", ".join(shown) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _split_classes(root: Path, split: str) -> list[str]:
    """Class folder names of ``root/split`` in ImageFolder's order; each must hold at least one image."""
    folders = sorted(entry for entry in (root / split).iterdir() if entry.is_dir())
    for folder in folders:
        if not any(f.suffix.lower() in IMAGE_SUFFIXES for f in folder.rglob("*")):
            raise UserError(
                f"data.root={root}: {split}/{folder.name}/ holds no images ({' '.join(IMAGE_SUFFIXES)}); "
                "add images or remove the folder"
            )
    return [folder.name for folder in folders]


def class_folders(root: Path) -> list[str]:
    """The classes of ``root/train/<class>/``; ``val/`` and ``test/``, where present, must have the same."""
    if not (root / "train").is_dir():
        raise UserError(
            f"data.root={root} has no train/ folder; lay images out as "
            f"{root}/train/<class>/*.jpg (val/ and test/ optional) or set data.root"
        )
    classes = _split_classes(root, "train")
    if not classes:
        raise UserError(f"data.root={root}: train/ has no class folders; lay images out as {root}/train/<class>/*.jpg")
    for split in ("val", "test"):
        if (root / split).is_dir() and (other := _split_classes(root, split)) != classes:
            missing, extra = set(classes) - set(other), set(other) - set(classes)
            problem = f"lacks {_names(missing)}" if missing else f"has {_names(extra)}, not in train/"
            raise UserError(f"data.root={root}: {split}/ {problem}; give every split the same class folders")
    return classes


class DataModuleCore:
    """Subclasses implement ``load_splits()`` (and set ``self.classes``); ``setup()`` loads and checks them."""

    def __init__(
        self,
        root: str,
        image_size: int,
        num_classes: int | None,
        mean: list[float],
        std: list[float],
        batch_size: int = 64,
        num_workers: int = 0,
        val_fraction: float = 0.1,
        split_seed: int = 0,
        augment: list | None = None,
        flip_p: float = 0.5,
    ) -> None:
        super().__init__()  # the framework's datamodule, when it has one
        self.root = Path(root)
        self.image_size = image_size
        self.num_classes = num_classes
        self.mean, self.std = list(mean), list(std)
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.val_fraction = val_fraction
        self.split_seed = split_seed
        self.augment = list(augment or [])  # training-only transforms, from configs/augment/
        self.flip_p = flip_p  # read by configs/augment/: 0 where a mirrored image is another class (digits)
        self.classes: list[str] = []
        self.train_set = self.val_set = self.test_set = None

    def load_splits(self) -> tuple:
        """(train, val, test) datasets of the backend's kind."""
        raise NotImplementedError

    def setup(self, stage: str | None = None) -> None:
        if self.train_set is None:
            self.train_set, self.val_set, self.test_set = self.load_splits()
            self._check()

    def _check(self) -> None:
        """Config values that contradict the data fail with the key to change."""
        if self.num_classes is None:  # null: as many as the data has
            self.num_classes = len(self.classes)
        if len(self.classes) != self.num_classes:
            raise UserError(
                f"data.num_classes={self.num_classes} but the data has {len(self.classes)} classes; "
                f"set data.num_classes={len(self.classes)}"
            )
        if self.batch_size > len(self.train_set):
            raise UserError(
                f"data.batch_size={self.batch_size} is larger than the training set ({len(self.train_set)} images); "
                "lower it"
            )

    def preprocessing(self) -> dict:
        """What a server must do to an RGB image before the model sees it."""
        return {
            "input_size": [3, self.image_size, self.image_size],
            "scale": 1 / 255,
            "mean": self.mean,
            "std": self.std,
            "classes": self.classes,
        }
