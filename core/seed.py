"""Realistic made-up cases for scale tests (`flask --app wsgi dev seed-cases N`).

Cases spread over several years with every state, channel, unit and township; texts from
the seed corpus (nlp/data/seed); contacts who come back (repeats), group petitions, the
history (events), the messages of the conversation, ratings and 交办 of open cases.
Everything seeded is marked (cases: import_digest "seed:<id>"; messages: provider_id
"seed-..."), and `refusal()` names the first row that is not, so a database holding real
petitions is never filled with invented ones. Numbers come from the real daily counters
(cases.numbering.reserve_case_numbers), so a later real case of any day takes the next one.
PostgreSQL is filled with COPY through the raw psycopg connection, SQLite with batched
INSERTs."""
from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, text

from cases.numbering import reserve_case_numbers
from models import Case, CaseState, Message
from models.db import db

MARK = "seed:"
MESSAGE_MARK = "seed-"
MAX_PER_DAY = 9000       # numbers have four digits of daily sequence
CHANNELS = {"sms": 34, "wechat": 14, "web": 10, "phone": 10, "call": 4, "letter": 8, "visit": 9,
            "whatsapp": 2, "messenger": 1, "ledger": 8}
CONVERSED = ("sms", "wechat", "web", "whatsapp", "messenger")   # cases opened by messages
RATINGS = ("satisfied", "satisfied", "satisfied", "basically", "basically", "unsatisfied")
UTC = ZoneInfo("UTC")
STATE_JSON = {state: json.dumps({"state": state}) for state in CaseState.ALL}

CASE_COLUMNS = ("id", "number", "state", "channel", "contact_id", "text", "search_vector", "citizen_name",
                "village", "citizen_phone", "import_digest", "issue_type", "department", "township", "urgent",
                "issue_type_confidence", "department_confidence", "township_confidence", "urgent_confidence",
                "keywords", "model_version", "needs_triage", "classified_at", "classify_pending_since",
                "received_at", "accepted_at", "answered_at", "closed_at", "due_at", "extended", "rating",
                "flagged", "assignee", "merged_into_id", "conflict_unit", "conflict_level", "repeat_of_id",
                "repeat_count", "group_id", "id_digest", "review_round", "extension_request", "created_at",
                "updated_at")
CONTACT_COLUMNS = ("id", "channel", "address", "name", "phone", "language", "opted_out", "dialogue",
                   "created_at", "last_inbound_at")
EVENT_COLUMNS = ("id", "case_id", "at", "actor", "user_id", "kind", "before", "after", "note")
MESSAGE_COLUMNS = ("id", "direction", "channel", "provider_id", "contact_id", "case_id", "address", "body",
                   "media", "raw", "state", "intent", "replies", "kind", "segments", "attempts", "status_rank",
                   "error", "created_at", "processed_at", "next_attempt_at", "template")
GROUP_COLUMNS = ("id", "kind", "township", "village", "issue_type", "petitioners", "declared", "created_at",
                 "alerted_at")
WORKFLOW_COLUMNS = ("case_id", "handed_to", "handed_at", "sign_due_at", "signed_at", "signed_by")
TABLES = {"contacts": CONTACT_COLUMNS, "case_groups": GROUP_COLUMNS, "cases": CASE_COLUMNS,
          "case_events": EVENT_COLUMNS, "messages": MESSAGE_COLUMNS, "case_workflow": WORKFLOW_COLUMNS}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英桂兰国强志刚丽娟春梅红军海燕德明玉兰永生"


def refusal() -> str | None:
    """Why this database must not be seeded (it holds real cases or real messages), or None."""
    real_case = db.session.execute(select(Case.number).where(or_(
        Case.import_digest.is_(None), ~Case.import_digest.startswith(MARK))).limit(1)).scalar()
    if real_case is not None:
        return f"the database holds real cases (e.g. {real_case}); seed-cases fills only an empty or seeded database"
    real_message = db.session.execute(select(Message.id).where(or_(
        Message.provider_id.is_(None), ~Message.provider_id.startswith(MESSAGE_MARK))).limit(1)).scalar()
    if real_message is not None:
        return "the database holds real messages; seed-cases fills only an empty or seeded database"
    return None


@dataclass
class Corpus:
    """The seed corpus with each text's search words cut once."""
    records: list[dict]
    tokens: list[str]
    by_issue: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, taxonomy) -> "Corpus":
        from cases.search import cut as search_cut
        from nlp.records import load_seed
        from nlp.search import index_text

        cut = search_cut()
        records = [r for r in load_seed() if r.get("issue_type") in taxonomy.issue_types and r.get("text")]
        corpus = cls(records, [index_text(cut, r["text"]) for r in records])
        for i, record in enumerate(records):
            corpus.by_issue.setdefault(record["issue_type"], []).append(i)
        return corpus


def day_counts(n: int, days: list[date], rng: random.Random) -> list[int]:
    """N cases over DAYS: fewer at weekends, a slow growth over the years, exactly N in all."""
    weights = [(0.45 if d.weekday() >= 5 else 1.0) * (0.7 + 0.6 * i / max(1, len(days) - 1)) * rng.uniform(0.8, 1.2)
               for i, d in enumerate(days)]
    scale, counts, cumulative, placed = n / sum(weights), [], 0.0, 0
    for w in weights:
        cumulative += w * scale
        counts.append(round(cumulative) - placed)
        placed += counts[-1]
    return counts


@dataclass
class Seeder:
    """Generates the rows of consecutive days; ids continue after what the database holds."""
    taxonomy: object
    corpus: Corpus
    now: datetime
    tz: ZoneInfo
    rng: random.Random
    next_id: dict[str, int]
    contacts: list[tuple[int, str, str, int]] = field(default_factory=list)  # id, channel, address, first case

    def __post_init__(self) -> None:
        self.towns, self.issues = list(self.taxonomy.townships), list(self.taxonomy.issue_types)
        self.channels, self.channel_weights = list(CHANNELS), list(itertools.accumulate(CHANNELS.values()))

    def rows(self, day: date, numbers: list[str], out: dict[str, list]) -> None:
        start = datetime.combine(day, time(7, 30), tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)
        moments = sorted(start + timedelta(seconds=self.rng.randint(0, 13 * 3600)) for _ in numbers)
        group = self._group(day, start, out) if len(numbers) >= 6 and self.rng.random() < 0.25 else None
        for i, (number, moment) in enumerate(zip(numbers, moments)):
            moment = min(moment, self.now - timedelta(minutes=1))
            self._case(number, moment, group if group and i < 6 else None, out)

    def _id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def _group(self, day: date, start: datetime, out: dict[str, list]) -> tuple[int, str, str]:
        issue, town = self.rng.choice(["land", "labor", "rural", "urban"]), self.rng.choice(self.towns)
        gid = self._id("case_groups")
        out["case_groups"].append((gid, "burst", town, None, issue, 6, None, start, None))
        return gid, issue, town

    def _case(self, number: str, at: datetime, group, out: dict[str, list]) -> None:
        rng, cid = self.rng, self._id("cases")
        channel = rng.choices(self.channels, cum_weights=self.channel_weights)[0]
        issue = group[1] if group else rng.choice(self.issues)
        pick = rng.choice(self.corpus.by_issue.get(issue) or range(len(self.corpus.records)))
        record = self.corpus.records[pick]
        town = group[2] if group else (record.get("township") or rng.choice(self.towns))
        department = "township_gov" if rng.random() < 0.12 else self.taxonomy.issue_types[issue]["department"]
        contact_id, address, repeat_of = self._contact(channel, cid, at, out)
        state, times = self._lifecycle(at)
        urgent = rng.random() < 0.015
        needs_triage = state == CaseState.REGISTERED and rng.random() < 0.7
        rating = rng.choice(RATINGS) if times.get("answered") and rng.random() < 0.6 else None
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) if channel not in CONVERSED else None
        phone = f"+86139{rng.randint(0, 99_999_999):08d}" if channel == "ledger" else None
        out["cases"].append((
            cid, number, state, channel, contact_id, record["text"], self.corpus.tokens[pick], name, None, phone,
            f"{MARK}{cid}", issue, department, town, urgent, rng.random(), rng.random(), rng.random(),
            0.9 if urgent else 0.05, "[]", "seed", needs_triage, at + timedelta(seconds=3), None, at,
            times.get("accepted"), times.get("answered"), times.get("closed"), times.get("due"),
            state == CaseState.EXTENDED, rating, rating == "unsatisfied" and rng.random() < 0.3, None, None, None,
            None, repeat_of, 1 if repeat_of else 0, group[0] if group else None, None,
            1 if state == CaseState.REVIEW else 0, "需补充调查材料" if state == CaseState.IN_PROGRESS and rng.random() < 0.05
            else None, at, max([t for k, t in times.items() if k != "due"] + [at])))
        self._history(cid, number, state, times, at, rating, out)
        if channel in CONVERSED:
            self._messages(cid, contact_id, channel, address, record["text"], number, at, out)
        if state in (CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.EXTENDED) and times.get("accepted"):
            handed = times["accepted"]
            signed = handed + timedelta(hours=rng.randint(1, 40)) if rng.random() < 0.9 else None
            out["case_workflow"].append((cid, department, handed, handed + timedelta(days=1), signed,
                                         "seed" if signed else None))

    def _contact(self, channel: str, cid: int, at: datetime, out) -> tuple[int | None, str | None, int | None]:
        if channel not in CONVERSED:
            return None, None, None
        if self.contacts and self.rng.random() < 0.25:
            back = self.rng.randint(1, min(20_000, len(self.contacts)))
            contact_id, _channel, address, first = self.contacts[-back]
            if _channel == channel:
                return contact_id, address, first if self.rng.random() < 0.4 else None
        contact_id = self._id("contacts")
        address = f"+8613{contact_id:09d}" if channel in ("sms", "whatsapp") else f"seed-{channel}-{contact_id}"
        out["contacts"].append((contact_id, channel, address, None, None, "zh", False, "{}", at, at))
        self.contacts.append((contact_id, channel, address, cid))
        return contact_id, address, None

    def _lifecycle(self, at: datetime) -> tuple[str, dict[str, datetime]]:
        """A state that fits the case's age, and the moments it went through."""
        rng, age = self.rng, (self.now - at).days
        if age < 15 and rng.random() < 0.5:
            return CaseState.REGISTERED, {"due": at + timedelta(days=15)}
        if rng.random() < 0.06:
            return CaseState.NOT_ACCEPTED, {"closed": at + timedelta(days=rng.randint(1, 14))}
        if rng.random() < 0.02:
            return CaseState.MERGED, {"closed": at + timedelta(days=rng.randint(0, 5))}
        accepted = at + timedelta(days=rng.randint(0, 14), hours=rng.randint(0, 8))
        done = accepted + timedelta(days=rng.randint(5, 58))
        still_open = done > self.now or rng.random() < 0.004
        if still_open:
            state = rng.choice([CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.IN_PROGRESS,
                                CaseState.EXTENDED])
            due = accepted + timedelta(days=90 if state == CaseState.EXTENDED else 60)
            return state, {"accepted": min(accepted, self.now), "due": due}
        answered = min(done, self.now)
        if (self.now - answered).days < 30:
            state = CaseState.REVIEW if rng.random() < 0.05 else CaseState.ANSWERED
            return state, {"accepted": accepted, "answered": answered, "due": answered + timedelta(days=30)}
        return CaseState.CLOSED, {"accepted": accepted, "answered": answered,
                                  "closed": answered + timedelta(days=rng.randint(1, 30))}

    def _history(self, cid: int, number: str, state: str, times: dict, at: datetime, rating, out) -> None:
        events, ids = out["case_events"], self.next_id
        ids["case_events"] += 1
        events.append((ids["case_events"], cid, at, "citizen", None, "created", None,
                       f'{{"state": "registered", "number": "{number}"}}', None))
        previous = "registered"
        for step in ("accepted", "answered", "closed"):
            moment = times.get(step)
            if moment or (step == "closed" and state != previous and state != "registered"):
                step = state if step == "closed" else step
                ids["case_events"] += 1
                events.append((ids["case_events"], cid, moment or at, "user:seed", None, "state", STATE_JSON[previous],
                               STATE_JSON[step], None))
                previous = step
        if rating:
            ids["case_events"] += 1
            events.append((ids["case_events"], cid, times["answered"] + timedelta(days=2), "citizen", None, "rated",
                           None, f'{{"rating": "{rating}"}}', None))

    def _messages(self, cid, contact_id, channel, address, body, number, at, out) -> None:
        inbound, ack = self._id("messages"), self._id("messages")
        out["messages"].append((inbound, "in", channel, f"{MESSAGE_MARK}{inbound}", contact_id, cid, address, body,
                                "[]", None, "processed", "petition", "[]", None, 1, 0, 0, None, at, at, None, None))
        out["messages"].append((ack, "out", channel, f"{MESSAGE_MARK}{ack}", contact_id, cid, address,
                                f"您的信访已受理登记，编号{number}。", "[]", None, "delivered", None, "[]", "ack",
                                1, 1, 3, None, at, at, None, None))


def local_days(now: datetime, tz: ZoneInfo, years: float, n: int) -> list[date]:
    today = now.replace(tzinfo=UTC).astimezone(tz).date()
    span = max(int(365 * years), -(-n // (MAX_PER_DAY // 2)), 1)
    return [today - timedelta(days=i) for i in range(span - 1, -1, -1)]


def start_ids() -> dict[str, int]:
    return {table: db.session.execute(text(f"SELECT coalesce(max({'case_id' if table == 'case_workflow' else 'id'}), 0) "
                                           f"FROM {table}")).scalar_one() for table in TABLES}


def batches(seeder: Seeder, prefix: str, days: list[date], counts: list[int], size: int) -> Iterator[tuple[int, dict]]:
    """(cases in the batch, rows per table), about SIZE cases at a time, numbers reserved per batch."""
    i = 0
    while i < len(days):
        chunk: dict[str, int] = {}
        total = 0
        while i < len(days) and (total < size or not chunk):
            if counts[i]:
                chunk[days[i].strftime("%y%m%d")] = counts[i]
                total += counts[i]
            i += 1
        numbers = reserve_case_numbers(prefix, chunk)
        out: dict[str, list] = {table: [] for table in TABLES}
        for code, count in chunk.items():
            seeder.rows(datetime.strptime(code, "%y%m%d").date(), numbers[code], out)
        yield total, out
