"""The domestic SMS template catalogue (config/sms_templates.yaml): which approved template
carries each reply, with which parameters, and the exact text the citizen receives."""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from config.data import CONFIG_DIR, DataError, _read_yaml

PROVIDERS = ("tencent", "aliyun")


@dataclass(frozen=True)
class SmsTemplate:
    key: str
    text: str
    params: tuple[str, ...]
    ids: Mapping[str, str]          # provider -> approved template id


@dataclass(frozen=True)
class SmsCatalogue:
    signature: str
    templates: Mapping[str, SmsTemplate]
    limits: Mapping[str, int]
    not_sms: frozenset[str]

    def get(self, key: str | None) -> SmsTemplate | None:
        return self.templates.get(key or "")

    def values(self, key: str, values: Mapping[str, Any], provider: str) -> list[str]:
        """The template's parameters in order, each shortened to the provider's limit."""
        limit = self.limits.get(provider, 30)
        return [_shorten(str(values.get(name, "")), limit) for name in self.templates[key].params]

    def render(self, key: str, values: Mapping[str, Any], provider: str) -> str:
        """Exactly what the handset shows: 【signature】 and the approved text, filled in."""
        template = self.templates[key]
        filled = dict(zip(template.params, self.values(key, values, provider)))
        return f"【{self.signature}】" + template.text.format(**filled)

    def check(self, replies: Mapping[str, Any], provider: str) -> None:
        """Every reply that can go out by SMS has an approved template for ``provider``."""
        missing = [key for key, value in replies.items()
                   if isinstance(value, str) and key not in self.not_sms
                   and not (key in self.templates and self.templates[key].ids.get(provider))]
        if missing:
            raise DataError(f"sms_templates.yaml: no {provider} template for {', '.join(sorted(missing))}")


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def load_sms_catalogue(config_dir: Path | str = CONFIG_DIR) -> SmsCatalogue:
    raw = _read_yaml(Path(config_dir) / "sms_templates.yaml") or {}
    if not raw.get("signature"):
        raise DataError("sms_templates.yaml: signature is required")
    templates = {}
    for key, row in (raw.get("templates") or {}).items():
        text, params = str(row.get("text") or ""), tuple(row.get("params") or ())
        if not text or _placeholders(text) != set(params):
            raise DataError(f"sms_templates.yaml [{key}]: params must be exactly the placeholders of its text")
        ids = {p: str(row[p]) for p in PROVIDERS if row.get(p)}
        templates[key] = SmsTemplate(key, text, params, ids)
    limits = {str(k): int(v) for k, v in (raw.get("param_limits") or {}).items()}
    return SmsCatalogue(str(raw["signature"]), templates, limits, frozenset(raw.get("not_sms") or ()))
