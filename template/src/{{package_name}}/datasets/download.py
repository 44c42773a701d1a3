"""Downloads that arrive whole: streamed with a progress bar, resumed with HTTP Range requests, retried with
back-off, md5-checked (a bad file is deleted). No framework needed.

``requests`` with urllib3's ``Retry`` retries refused connections and 429/5xx answers with exponential back-off;
a connection cut mid-body is resumed here from the ``.part`` file's size (pooch, for one, starts over), which
is what a 20 GB COCO zip needs. The file only appears under its name once complete and verified.
"""

import gzip
import hashlib
import shutil
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from tqdm import tqdm
from urllib3.util import Retry

from ..errors import UserError

CHUNK = 1 << 20  # bytes hashed per step
BLOCK = 1 << 16  # bytes received per step: a cut connection loses at most this much of what arrived
TIMEOUT = (10, 60)  # seconds: to connect, and between two reads


class DownloadError(UserError):
    """One URL failed for good (after its retries); the caller may try another mirror."""


def md5sum(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def session(retries: int = 3, backoff: float = 1.0) -> requests.Session:
    """A session that retries 429/5xx answers ``retries`` times, waiting backoff * 2**n in between (a refused
    connection or unknown host is retried once, at once: the next mirror is likely the better bet)."""
    retry = Retry(
        total=retries, connect=1, backoff_factor=backoff, status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods={"GET"}, raise_on_status=False,
    )
    http = requests.Session()
    http.mount("http://", HTTPAdapter(max_retries=retry))
    http.mount("https://", HTTPAdapter(max_retries=retry))
    http.headers["Accept-Encoding"] = "identity"  # the archive's own bytes, never a re-encoded stream
    return http


def _receive(http: requests.Session, url: str, part: Path, progress: bool | None) -> None:
    """One request: append to ``part`` from its size (Range), or rewrite it when the server sends it all."""
    start = part.stat().st_size if part.exists() else 0
    try:
        response = http.get(url, headers={"Range": f"bytes={start}-"} if start else {}, stream=True, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise DownloadError(f"{url}: {_reason(error)}") from error
    with response:
        if response.status_code == 416 and start:  # asked past the end: the part is complete, or too long
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            if total.isdigit() and int(total) == start:
                return
            part.unlink()
            raise ConnectionResetError("the partial file is longer than the remote one; starting over")
        if response.status_code >= 400:
            raise DownloadError(f"{url}: HTTP {response.status_code} {response.reason}")
        resumed = response.status_code == 206 and response.headers.get("Content-Range", "").startswith(
            f"bytes {start}-"
        )  # else the server ignored Range and sends the whole file: start over
        offset = start if resumed else 0
        size = int(response.headers.get("Content-Length", 0)) or None
        bar = tqdm(total=size and offset + size, initial=offset, desc=part.name.removesuffix(".part"), unit="B",
                   unit_scale=True, unit_divisor=1024, disable=None if progress is None else not progress,
                   file=sys.stderr)
        with part.open("ab" if resumed else "wb") as out, bar:
            for block in response.iter_content(BLOCK):
                out.write(block)
                bar.update(len(block))


def _reason(error: Exception) -> str:
    cause = error
    while cause.__context__ is not None and not isinstance(cause, (ConnectionRefusedError, TimeoutError)):
        cause = cause.__context__
    return type(cause).__name__ if str(cause) == "" else str(cause).split(": ", 1)[-1][:200]


def download(
    url: str, dest: Path, md5: str | None = None, *, attempts: int = 5, backoff: float = 1.0,
    progress: bool | None = None, http: requests.Session | None = None,
) -> Path:
    """Fetch ``url`` to ``dest`` through ``dest.part``; a cut connection resumes where it stopped (``attempts``
    requests, waiting ``backoff * 2**n`` in between). ``progress``: a bar on stderr (None: only on a terminal).

    Raises ``DownloadError`` when the URL fails for good or the bytes do not match ``md5`` (the file is deleted).
    """
    if dest.exists():
        if md5 is None or md5sum(dest) == md5:
            return dest
        dest.unlink()
        print(f"warning: {dest} does not match md5 {md5}; deleted, downloading it again", file=sys.stderr)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    http = http or session(backoff=backoff)
    for attempt in range(attempts):
        try:
            _receive(http, url, part, progress)
            break
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, ConnectionResetError) as error:
            if attempt == attempts - 1:
                reason = f"cut off {attempts} times ({_reason(error)}); run again to resume"
                raise DownloadError(f"{url}: {reason}") from error
            time.sleep(backoff * 2**attempt)
    if md5 and (actual := md5sum(part)) != md5:
        part.unlink()
        raise DownloadError(f"{url}: checksum mismatch (md5 {actual}, expected {md5}); the bad file was deleted")
    part.replace(dest)
    return dest


def extract(archive: Path, root: Path) -> None:
    """Unpack .zip and .tar(.gz) archives, or gunzip a single ``.gz`` file, into ``root``."""
    if archive.suffix == ".gz" and not archive.name.endswith(".tar.gz"):
        with gzip.open(archive) as packed, (root / archive.stem).open("wb") as out:
            shutil.copyfileobj(packed, out, CHUNK)
    elif zipfile.is_zipfile(archive):  # shutil.unpack_archive(filter=) fails on zips before Python 3.12
        with zipfile.ZipFile(archive) as packed:
            packed.extractall(root)  # zipfile drops absolute paths and ".." itself
    else:
        with tarfile.open(archive) as packed:
            packed.extractall(root, filter="data")  # "data": no paths outside root, no devices
