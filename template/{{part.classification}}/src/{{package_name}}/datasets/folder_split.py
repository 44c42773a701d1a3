"""Which image of a class folder is in train, val or test: decided once, stratified and seeded, kept in a file.

The first run lists the images, drops (``data.skip_invalid=true``) or refuses unreadable ones, splits
each class by the configured fractions and writes the split file. Later runs read it back and refuse
to go on if the folders changed since, instead of silently splitting differently.
"""

import json
import random
from collections import defaultdict
from pathlib import Path

from ..errors import UserError
from ..runs.console import get_logger
from .images import IMAGE_SUFFIXES, unreadable

log = get_logger(__name__)
SPLITS = ("train", "val", "test")


def _images(root: Path) -> list[str]:
    """Every image under ``root/<split>/<class>/`` as a path relative to root, sorted."""
    return sorted(
        str(path.relative_to(root)) for split in SPLITS if (root / split).is_dir()
        for path in (root / split).rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
    )


def _share(count: int, fraction: float) -> int:
    """Images of a class for a held-out split: at least one when the fraction asks for any."""
    return max(1, round(count * fraction)) if fraction > 0 else 0


def _stratified(files: list[str], fractions: dict[str, float], seed: int) -> dict[str, list[str]]:
    """Per class: shuffle with ``seed``, then cut val and test shares; every class keeps a training image."""
    by_class, out = defaultdict(list), {split: [] for split in SPLITS}
    for rel in files:
        by_class[Path(rel).parts[1]].append(rel)
    for members in by_class.values():
        random.Random(seed).shuffle(members)
        n_val = min(_share(len(members), fractions["val"]), len(members) - 1)
        cut = {"val": n_val, "test": min(_share(len(members), fractions["test"]), len(members) - 1 - n_val)}
        out["val"] += members[: cut["val"]]
        out["test"] += members[cut["val"]: cut["val"] + cut["test"]]
        out["train"] += members[cut["val"] + cut["test"]:]
    return {split: sorted(members) for split, members in out.items()}


def _split(root: Path, files: list[str], val_fraction: float, test_fraction: float, seed: int) -> dict:
    """Folders the user made win; what is missing is cut out of train/ (test falls back to val)."""
    given = {split: [f for f in files if f.startswith(f"{split}/")] for split in SPLITS}
    if given["val"]:
        split = given | ({} if given["test"] else {"test": given["val"]})
    else:
        share = {"val": val_fraction, "test": 0.0 if given["test"] else test_fraction}
        split = _stratified(given["train"], share, seed) | ({"test": given["test"]} if given["test"] else {})
    if not split["val"]:
        raise UserError(f"data.root={root}: no validation images; add a val/ folder or raise data.val_fraction")
    return split if split["test"] else split | {"test": split["val"]}


def folder_split(root: Path, split_file: Path, val_fraction: float, test_fraction: float, seed: int,
                 skip_invalid: bool) -> dict[str, list[str]]:
    """{split: [paths relative to root]}, from ``split_file`` when it matches the folders, else made and written."""
    files = _images(root)
    settings = {"val_fraction": val_fraction, "test_fraction": test_fraction, "split_seed": seed}
    if split_file.is_file():
        saved = json.loads(split_file.read_text())
        known = set(saved["skipped"]) | {f for split in SPLITS for f in saved[split]}
        if known != set(files) or saved["settings"] != settings:
            new, gone = len(set(files) - known), len(known - set(files))
            raise UserError(
                f"data.split_file={split_file} was made for other images or settings ({new} new, {gone} missing "
                "images); delete it to split again, or restore the folders"
            )
        return {split: saved[split] for split in SPLITS}
    bad = unreadable([root / rel for rel in files])
    if bad and not skip_invalid:
        raise UserError(f"{bad[0][0]} is not a readable image ({bad[0][1]}; {len(bad)} such file(s)); "
                        "remove it, or set data.skip_invalid=true to train without it")
    if bad:
        log.warning("data.skip_invalid=true: %d unreadable image(s) left out, e.g. %s", len(bad), bad[0][0])
    skipped = {str(path.relative_to(root)) for path, _ in bad}
    split = _split(root, [f for f in files if f not in skipped], val_fraction, test_fraction, seed)
    record = {"settings": settings, **split, "skipped": sorted(skipped)}
    try:
        split_file.parent.mkdir(parents=True, exist_ok=True)
        split_file.write_text(json.dumps(record, indent=1) + "\n")
    except OSError as error:
        message = f"cannot write data.split_file={split_file} ({error.strerror}); point it at a writable path"
        raise UserError(message) from error
    log.info("Split written to %s: %s", split_file, ", ".join(f"{s} {len(split[s])}" for s in SPLITS))
    return split
