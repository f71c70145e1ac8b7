"""Field-form definitions and the validation of what technicians submit (pure Python, mirrored by the tablet)."""
from .definitions import (DefinitionError, current_versions, get_definition, load_definitions,
                          parse_definition)
from .validate import validate_submission

__all__ = ["DefinitionError", "current_versions", "get_definition", "load_definitions", "parse_definition",
           "validate_submission"]
