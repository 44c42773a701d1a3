"""A detection dataset in YOLO format: ``prepare_data()`` makes it ready, ``data_yaml`` is what Ultralytics reads.

YOLO format: ``images/<split>/*.jpg`` beside ``labels/<split>/*.txt``, one ``class cx cy w h`` line per
box, coordinates normalised to [0, 1]. Subclasses download or generate the files.
"""

from pathlib import Path

import yaml

from ..errors import UserError
from ..runs.atomic import replacing
from ..runs.console import get_logger
from .yolo_quality import scan_yolo

log = get_logger(__name__)
FATAL = ("corrupt", "class_id_out_of_range", "bad_label_line")  # Ultralytics would drop these silently


class YoloData:
    def __init__(self, root: str, names: list[str], image_size: int, batch_size: int, num_workers: int,
                 skip_invalid: bool = False) -> None:
        self.root = Path(root)
        self.skip_invalid = skip_invalid  # true: leave unreadable images and bad labels to Ultralytics' skipping
        self.names = list(names)
        self.image_size = image_size  # pixels: Ultralytics' imgsz (long side, letterboxed to a square)
        self.batch_size = batch_size
        self.num_workers = num_workers

    @property
    def data_yaml(self) -> Path:
        return self.root / "data.yaml"

    def prepare_data(self) -> None:
        """Download, generate or check the files, then write ``data.yaml``."""
        raise NotImplementedError

    def write_yaml(self, base: Path, train: str, val: str, test: str | None = None) -> Path:
        """``data.yaml`` with an absolute ``path`` (Ultralytics would resolve a relative one elsewhere)."""
        for key, split in {"train": train, "val": val}.items():
            if not (base / split).exists():
                raise UserError(f"data.root={self.root}: {base / split} is missing ({key} split); check the folder")
        spec = {"path": str(base.resolve()), "train": train, "val": val, "names": dict(enumerate(self.names))}
        if test:
            spec["test"] = test
        with replacing(self.data_yaml) as partial:  # whole for a process reading it meanwhile
            partial.write_text(yaml.safe_dump(spec, sort_keys=False))
        return self.data_yaml

    def val_images(self) -> list[Path]:
        """The validation images (sorted), e.g. for a prediction or an export check."""
        return self.images("val")

    def images(self, split: str) -> list[Path]:
        """The images of ``split`` (train or val) as data.yaml lists them, sorted."""
        spec = yaml.safe_load(self.data_yaml.read_text())
        source = Path(spec["path"]) / spec[split]
        if source.suffix == ".txt":  # a list of image paths, relative to the dataset folder
            return sorted((Path(spec["path"]) / line.strip()).resolve() for line in source.read_text().splitlines())
        return sorted(p for p in source.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".bmp"})

    def check_files(self) -> None:
        """Before the first step: every image header reads and every label line names a class of ``names``."""
        spec = yaml.safe_load(self.data_yaml.read_text())
        splits = {s: spec[s] for s in ("train", "val") if isinstance(spec.get(s), str) and not spec[s].endswith(".txt")}
        report = scan_yolo(Path(spec["path"]), splits, self.names, min_size=1, decode=False)
        bad = {kind: report.problems[kind] for kind in FATAL if report.problems.get(kind)}
        if bad and not self.skip_invalid:
            kind, files = next(iter(bad.items()))
            raise UserError(f"{files[0]} ({kind.replace('_', ' ')}; {sum(map(len, bad.values()))} such problem(s)); "
                            "fix or remove it, or set data.skip_invalid=true to let Ultralytics skip them")
        if bad:
            count = sum(map(len, bad.values()))
            log.warning("data.skip_invalid=true: Ultralytics skips %d bad image(s) or label(s)", count)
