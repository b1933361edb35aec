"""Populations of EES: the compiled generator and the ``Population`` struct of arrays."""

from mutusim.population.generator import Population, generate_population

__all__ = ["Population", "generate_population"]
