"""Copier migration helper for a file the template renamed: the user's version takes the new name.

Run from ``_migrations`` in copier.yml at stage ``after``, inside the project:

    python migrations/rename.py OLD_PATH NEW_PATH

The update drops OLD and writes NEW as the template ships it, which for a pure rename is the
old file's original text. The user's version of OLD is still in the last commit (updates refuse
uncommitted changes), so if it differs from NEW, it is the user's edit: it becomes NEW.
"""

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    old, new = Path(sys.argv[1]), Path(sys.argv[2])
    committed = subprocess.run(["git", "show", f"HEAD:{old.as_posix()}"], capture_output=True, text=True)
    if committed.returncode == 0 and (not new.is_file() or new.read_text() != committed.stdout):
        new.parent.mkdir(parents=True, exist_ok=True)
        new.write_text(committed.stdout)
        old.unlink(missing_ok=True)
        print(f"migration: your edits to {old} are now in {new}")
