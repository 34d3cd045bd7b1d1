"""Configuration: the one place that reads the environment, plus the data files
(taxonomy, templates, routing, keyword lists) that a county edits without code."""
from config.settings import load_settings, ConfigError
from config.data import Taxonomy, LedgerSpec, load_answers, load_ledger_spec, load_taxonomy, load_templates, CONFIG_DIR

__all__ = ["load_settings", "ConfigError", "Taxonomy", "load_taxonomy", "load_templates", "load_answers", "CONFIG_DIR",
           "LedgerSpec", "load_ledger_spec"]
