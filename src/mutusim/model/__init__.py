"""The Mesa face: ``MutualisationModel`` (one run, its ``step()`` the compiled month step of
``mutusim.phases``), ``EES`` agents and ``Project`` collectives viewing the run's arrays, and
the ``Authority``'s accounts."""

from mutusim.model.agents import EES, Project
from mutusim.model.authority import Authority
from mutusim.model.model import MutualisationModel

__all__ = ["EES", "Authority", "MutualisationModel", "Project"]
