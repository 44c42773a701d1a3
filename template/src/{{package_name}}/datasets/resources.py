"""The files a real dataset is made of: fetched from the first mirror that gives a good copy, extracted into
the data root, and checked on disk without the network (``scripts/download.py --check``)."""

import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from .download import DownloadError, download, extract, md5sum


@dataclass(frozen=True)
class Resource:
    path: str  # where the file lands, relative to the data root
    urls: tuple[str, ...]  # the publisher's mirrors, tried in turn
    md5: str | None = None  # None: the publisher gives no checksum
    unpack: bool = False  # extract beside the file (a stamp file records that it was done)
    extracted: str | None = None  # what extraction makes (relative to the root): data unpacked before the stamps

    def sources(self, mirrors: list[str] | None) -> list[str]:
        """``mirrors`` (base URLs, e.g. a team cache) replace the publisher's URLs when given."""
        name = Path(self.path).name
        return [f"{base.rstrip('/')}/{name}" for base in mirrors] if mirrors else list(self.urls)


def _stamp(file: Path) -> Path:
    return file.with_name(file.name + ".extracted")


def _unpacked(resource: Resource, root: Path) -> bool:
    """Extracted: stamped, or (an archive deleted after an earlier version unpacked it) its output is there."""
    file = Path(root) / resource.path
    legacy = resource.extracted and not file.exists() and (Path(root) / resource.extracted).exists()
    return resource.unpack and (_stamp(file).exists() or bool(legacy))


def fetch(resource: Resource, root: Path, mirrors: list[str] | None = None, **options) -> Path:
    """Download (if needed) and extract one resource; a failing or corrupt mirror is reported and the next tried."""
    file = Path(root) / resource.path
    if _unpacked(resource, root):
        return file
    failures = []
    for url in resource.sources(mirrors):
        try:
            download(url, file, resource.md5, **options)
            break
        except DownloadError as error:
            failures.append(str(error))
            print(f"warning: {error}", file=sys.stderr)
    else:
        raise UserError(f"{file.name}: no mirror gave a good copy ({'; '.join(failures)})")
    if resource.unpack:
        extract(file, file.parent)
        _stamp(file).touch()
    return file


def fetch_all(resources: list[Resource], root: Path, mirrors: list[str] | None = None, **options) -> None:
    for resource in resources:
        fetch(resource, root, mirrors, **options)


def check(resources: list[Resource], root: Path) -> list[str]:
    """One line per resource, ``ok ...`` or ``missing ...`` / ``corrupt ...``; reads the disk only."""
    lines = []
    for resource in resources:
        file = Path(root) / resource.path
        if not file.exists():
            lines.append(f"ok       {file} (extracted; archive removed, not verified)" if _unpacked(resource, root)
                         else f"missing  {file}")
        elif resource.md5 and (actual := md5sum(file)) != resource.md5:
            lines.append(f"corrupt  {file} (md5 {actual}, expected {resource.md5}): delete it and download again")
        elif resource.unpack and not _stamp(file).exists():
            lines.append(f"missing  {file} not extracted yet")
        else:
            lines.append(f"ok       {file}" + (f" (md5 {resource.md5})" if resource.md5 else " (no published md5)"))
    return lines


class Downloaded:
    """Mixin for a datamodule made of ``resources``: ``prepare_data()`` fetches them, ``check_data()`` checks them.

    ``mirrors``: base URLs that replace the publisher's (``data.mirrors=[https://cache.example/datasets]``).
    """

    resources: list[Resource] = []

    def __init__(self, *args, mirrors: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mirrors = list(mirrors) if mirrors else None

    def prepare_data(self) -> None:
        fetch_all(self.resources, self.root, self.mirrors)

    def check_data(self) -> list[str]:
        return check(self.resources, self.root)
