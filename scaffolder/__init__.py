"""ml-template's scaffolder: create vision projects from the Copier template, with presets.

Public surface: ``create_project``, ``update_project``, ``list_presets``, ``load_preset`` and ``ScaffoldError``.
"""

from importlib.metadata import PackageNotFoundError, version

from .create import NewProject, create_project
from .errors import ScaffoldError
from .presets import Preset, list_presets, load_preset
from .update import UpdateReport, check_for_update, update_project

try:
    __version__ = version("ml-template")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"

__all__ = [
    "NewProject",
    "Preset",
    "ScaffoldError",
    "UpdateReport",
    "check_for_update",
    "create_project",
    "list_presets",
    "load_preset",
    "update_project",
    "__version__",
]
