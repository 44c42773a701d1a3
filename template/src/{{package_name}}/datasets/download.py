"""Resumable, checksummed downloads for the datasets that live on the internet (no framework needed)."""

import gzip
import hashlib
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import UserError

CHUNK = 1 << 20  # bytes read per step


def md5sum(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, dest: Path, md5: str | None = None, timeout: float = 60) -> Path:
    """Fetch ``url`` to ``dest``; an interrupted download resumes from ``dest.part``.

    The file only appears at ``dest`` once complete and (when ``md5`` is given) verified.
    """
    if dest.exists() and (md5 is None or md5sum(dest) == md5):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    start = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={start}-"} if start else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            resumed = start and response.status == 206  # else the server sent the whole file
            with part.open("ab" if resumed else "wb") as out:
                shutil.copyfileobj(response, out, CHUNK)
    except urllib.error.HTTPError as error:
        if error.code != 416:  # 416: the partial file is already complete
            raise UserError(f"download of {url} failed: HTTP {error.code}; check the URL or try later") from error
    except (urllib.error.URLError, TimeoutError) as error:
        raise UserError(
            f"cannot download {url} ({getattr(error, 'reason', error)}); check the network, "
            f"or place the file at {dest} yourself"
        ) from error
    if md5 and (actual := md5sum(part)) != md5:
        part.unlink()
        raise UserError(f"{url}: checksum mismatch (md5 {actual}, expected {md5}); partial file removed, run again")
    part.replace(dest)
    return dest


def extract(archive: Path, root: Path) -> None:
    """Unpack .tar.gz / .tgz / .zip archives, or gunzip a single ``.gz`` file, into ``root``."""
    if archive.suffix == ".gz" and not archive.name.endswith(".tar.gz"):
        with gzip.open(archive) as packed, (root / archive.stem).open("wb") as out:
            shutil.copyfileobj(packed, out, CHUNK)
    else:
        shutil.unpack_archive(archive, root, filter="data")  # "data": no paths outside root


def download_and_extract(url: str, root: Path, md5: str | None = None, filename: str | None = None) -> Path:
    archive = download(url, Path(root) / (filename or url.rsplit("/", 1)[-1]), md5)
    extract(archive, Path(root))
    return archive
