"""Configuration: the one place that reads the environment, plus the data files
(taxonomy, templates, routing, keyword lists, SMS template catalogue) that a county edits
without code."""
from config.settings import load_settings, ConfigError
from config.data import Taxonomy, LedgerSpec, load_answers, load_ledger_spec, load_taxonomy, load_templates, CONFIG_DIR
from config.sms import SmsCatalogue, load_sms_catalogue

__all__ = ["load_settings", "ConfigError", "Taxonomy", "load_answers", "load_taxonomy", "load_templates",
           "CONFIG_DIR", "LedgerSpec", "load_ledger_spec", "SmsCatalogue", "load_sms_catalogue"]
