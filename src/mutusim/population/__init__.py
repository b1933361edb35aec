"""Populations of EES: the compiled generator and the ``Population`` struct of arrays."""

from mutusim.population.generator import Population, generate_population, population_inputs

__all__ = ["Population", "generate_population", "population_inputs"]
