"""The Mesa model: ``EES`` agents, ``Project`` collectives, the ``Authority`` and the schedule
(``MutualisationModel``, whose docstring is the reference for the order of phases)."""

from mutusim.model.ees import EES
from mutusim.model.model import MutualisationModel
from mutusim.model.project import Project

__all__ = ["EES", "MutualisationModel", "Project"]
