"""Render cost: `scaffold new` per preset vs plain `copier copy` with the same answers.

    python bench/render_cost.py [--repeats 5]

Both render the working tree's template (vcs-ref HEAD) into a new directory; `scaffold new` also
checks the answers and makes the first git commit. Medians over interleaved repeats.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, report

from scaffolder.presets import list_presets


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for preset in list_presets():
        data = [arg for key, value in preset.answers.items() for arg in ("-d", f"{key}={value}")]
        scaffold, copier = [], []
        for _ in range(args.repeats):
            work = Path(tempfile.mkdtemp())
            scaffold_cli = "from scaffolder.cli import app; app()"
            scaffold.append(
                timed(
                    [
                        sys.executable,
                        "-c",
                        scaffold_cli,
                        "new",
                        str(work / "a"),
                        "--preset",
                        preset.name,
                        "--vcs-ref",
                        "HEAD",
                    ]
                )
            )
            copier.append(
                timed(
                    [
                        sys.executable,
                        "-m",
                        "copier",
                        "copy",
                        "-q",
                        "--defaults",
                        "--vcs-ref",
                        "HEAD",
                        *data,
                        str(REPO),
                        str(work / "b"),
                    ]
                )
            )
        ours, plain = statistics.median(scaffold), statistics.median(copier)
        rows.append([preset.name, f"{ours:.2f}", f"{plain:.2f}", f"{ours / plain:.2f}"])
    report("render_cost", ["preset", "scaffold new s", "copier copy s", "ratio"], rows)


if __name__ == "__main__":
    main()
