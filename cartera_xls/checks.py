"""Checks across rows and sheets: client IDs, references to clients, suspected duplicates.

Each function returns new values (a new table, a new column) and the problems it
found; its input is never changed, and rows are never dropped or merged.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .problems import Problem, display
from .schema import fold, messages
from .schema.sheets import CLIENTES
from .tables import CLIENT_ID, EXTRA_PREFIX, SheetTable, UnknownSheet, is_missing

DEFAULT_ID_PREFIX = "C"
DEFAULT_ID_DIGITS = 4
NEAR_NAME_RATIO = 0.92
MIN_NAME_LENGTH = 6
_ID_PATTERN = re.compile(r"^(.*?)(\d+)$")
_LEGAL_FORMS = re.compile(r"\b(s ?a|s ?l|s ?r ?l|s ?a ?s|s ?a ?c|ltda|s ?de ?r ?l|sociedad anonima|cia|y cia|inc|llc)\b")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")
# Out of 100. «Ferreteria Lopes» for «Ferretería López S.L.» scores 94 and «Ana Perez» for «Ana Pérez García» 100
# (every word of the shorter in the longer); «Distribuidora Norte» for «Distribuidora Sur» 83, «Mario» for «María» 80.
SUGGESTION_SCORE = 88
MAX_SUGGESTED = 3  # clients named in one suggestion (tied best matches)
MAX_QUERIES = 500  # distinct references looked up: beyond, a sheet of unknown clients is not a matter of typos


def assign_ids(clients: SheetTable) -> tuple[SheetTable, list[Problem]]:
    """The clients with an ID for everyone: those without get the next one in the workbook's own pattern.

    ``C0007`` after ``C0006``; plain numbers continue as numbers. IDs are given
    in row order, so the same file always gets the same IDs, and once written
    back they stay.
    """
    ids = clients.frame["id"] if "id" in clients.frame else pd.Series(None, index=clients.frame.index, dtype="object")
    missing = ids.isna()
    if "id" in clients.positions and clients.cells.flagged:  # an error or an in-cell picture there is the team's: never typed over
        col = clients.positions["id"]
        held = {row + 1 for row, column in clients.cells.flagged if column == col}
        missing &= ~ids.index.isin(list(held))
    if not missing.any() and "id" in clients.frame:
        return clients, []  # (a sheet without an ID column, even with no rows yet, gets one below)
    prefix, digits, start = _id_pattern([str(v) for v in ids.dropna()])
    taken = set(ids.dropna().astype(str))
    new_ids, number = [], start
    for _ in range(int(missing.sum())):
        while f"{prefix}{number:0{digits}d}" in taken:
            number += 1
        new_ids.append(f"{prefix}{number:0{digits}d}")
        number += 1
    ids = ids.copy()
    ids[missing] = new_ids
    assigned = frozenset(int(row) for row in ids[missing].index)
    if "id" in clients.slots:
        updated = dataclasses.replace(clients, frame=clients.frame.assign(id=ids), assigned=assigned)
    else:  # a new ID column, after the team's columns so none of theirs moves
        taken_columns = [*clients.positions.values(), *clients.computed_at.values(), clients.first_col - 1]
        positions = {**clients.positions, "id": max(taken_columns) + 1}
        slots = (*clients.slots, "id")
        updated = dataclasses.replace(clients, frame=clients.frame.assign(id=ids), slots=slots, positions=positions, assigned=assigned)
    label = updated.header("id")
    return updated, [
        Problem.of(messages.ID_ASSIGNED, clients.name, int(row), label, value, messages.SEVERITY_INFO)
        for row, value in zip(ids[missing].index.tolist(), new_ids, strict=True)
    ]


def _id_pattern(existing: list[str]) -> tuple[str, int, int]:
    """(prefix, zero padding, next number) of the most common ID pattern."""
    patterns: dict[tuple[str, int], int] = defaultdict(int)
    highest: dict[tuple[str, int], int] = defaultdict(int)
    for text in existing:
        match = _ID_PATTERN.match(text)
        if match:
            prefix, number = match.group(1), match.group(2)
            digits = len(number) if number.startswith("0") or prefix else 1
            patterns[(prefix, digits)] += 1
            highest[(prefix, digits)] = max(highest[(prefix, digits)], int(number))
    if not patterns:
        return DEFAULT_ID_PREFIX, DEFAULT_ID_DIGITS, 1
    best = max(patterns, key=lambda key: patterns[key])
    return best[0], best[1], highest[best] + 1


def duplicate_ids(clients: SheetTable) -> list[Problem]:
    """One problem per repeated client ID, on the later row."""
    ids = clients.frame["id"].map(lambda v: fold(str(v)) if isinstance(v, str) else None)
    first_row: dict[str, int] = {}
    problems = []
    label = clients.header("id")
    for row, key in zip(ids.index.tolist(), ids.tolist(), strict=True):
        if key is None:
            continue
        if key in first_row:
            other = first_row[key]
            problems.append(
                Problem.of(
                    messages.DUPLICATE_ID,
                    clients.name,
                    int(row),
                    label,
                    clients.frame.at[row, "id"],
                    other=other,
                    other_name=_name(clients.frame.at[other, "name"]),
                )
            )
        else:
            first_row[key] = int(row)
    return problems


def _salesperson_rows(tables: Mapping[str, SheetTable]) -> dict[str, int]:
    """How many rows name each salesperson, as written, over every sheet with a Vendedor column."""
    counts: dict[str, int] = defaultdict(int)
    for table in tables.values():
        if "salesperson" in table.frame:
            for name, count in table.frame["salesperson"].value_counts(sort=False).items():
                if isinstance(name, str) and name.strip():
                    counts[name] += int(count)
    return counts


def one_spelling_per_salesperson(tables: Mapping[str, SheetTable]) -> tuple[dict[str, SheetTable], list[Problem]]:
    """Salespeople whose names fold alike («lucia», «Lucía », «LUCÍA») are one: written as the most frequent spelling.

    Counted over every sheet with a Vendedor column; each other spelling is
    reported once, at its first row, and read as the common one, so Vendedores,
    the Agenda and the dropdown show one salesperson, not two.
    """
    counts: dict[str, dict[str, int]] = defaultdict(dict)  # folded name → spelling (trimmed) → rows
    for raw, count in _salesperson_rows(tables).items():
        spellings = counts[fold(raw)]
        spellings[raw.strip()] = spellings.get(raw.strip(), 0) + count
    canonical = {key: max(spellings, key=spellings.__getitem__) for key, spellings in counts.items() if len(spellings) > 1}
    if not canonical:
        return dict(tables), []
    result: dict[str, SheetTable] = {}
    problems: list[Problem] = []
    reported: set[str] = set()
    for key, table in tables.items():
        if "salesperson" not in table.frame:
            result[key] = table
            continue
        column = table.frame["salesperson"]
        named = column.map(lambda value: canonical.get(fold(value)) if isinstance(value, str) and value.strip() else None)
        variant = named.notna() & (column.astype("string").str.strip() != named).fillna(False)
        for raw in dict.fromkeys(column[variant].tolist()):
            spelling = raw.strip()
            if spelling in reported:
                continue
            reported.add(spelling)
            row = int(column.index[(column == raw).to_numpy()][0])
            right = canonical[fold(raw)]
            problems.append(
                Problem.of(
                    messages.SALESPERSON_SPELLING,
                    table.name,
                    row,
                    table.header("salesperson"),
                    spelling,
                    messages.SEVERITY_WARNING,
                    canonical=right,
                    count=rows_said(counts[fold(raw)][spelling]),
                )
            )
        frame = table.frame.assign(salesperson=column.where(~variant, named))
        result[key] = dataclasses.replace(table, frame=frame)
    return result, problems


def resolve_clients(
    clients: SheetTable,
    table: SheetTable,
    suggester: Callable[[], Suggester] | None = None,
    twins: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[pd.Series, list[Problem]]:
    """The client ID each row of ``table`` refers to in its ``Cliente`` column: an ID, or an unambiguous name or company.

    A reference that matches no client names the near misses (``suggester``'s);
    one that matches by name a client suspected to be the same as others
    (``twins``: ID → the others' labels) says it may be theirs. Nothing is corrected.
    """
    by_id: dict[str, str] = {}
    by_name: dict[str, list[tuple[str, int]]] = defaultdict(list)
    frame = clients.frame
    for row, client_id, name, company in zip(
        frame.index, frame["id"], frame["name"], frame.get("company", pd.Series(None, index=frame.index)), strict=True
    ):
        if not isinstance(client_id, str):
            continue
        by_id.setdefault(fold(client_id), client_id)
        for text in {fold(v) for v in (name, company) if isinstance(v, str) and v.strip()}:
            by_name[text].append((client_id, int(row)))

    # Each distinct reference is resolved once; the rows then follow by lookup.
    references = table.frame["client"]
    by_code = _by_code(table, by_id)
    by_name_only = (by_code.isna() | by_code.eq("")).to_numpy()  # rows that no code of theirs resolves
    resolved: dict[str, str | None] = {}
    by_twin_name: list[str] = []  # references that name a client suspected to be the same as another
    for reference in pd.unique(references.to_numpy()):
        if isinstance(reference, str):
            key = fold(reference)
            ids = {client_id for client_id, _ in by_name.get(key, [])}
            picked = by_id.get(fold(reference.split(CLIENT_LABEL_SEPARATOR, 1)[0])) if CLIENT_LABEL_SEPARATOR in reference else None
            resolved[reference] = by_id.get(key) or (next(iter(ids)) if len(ids) == 1 else None) or picked
            if twins and key not in by_id and not picked and len(ids) == 1 and next(iter(ids)) in twins:
                by_twin_name.append(reference)
    unresolved = [reference for reference, client_id in resolved.items() if client_id is None]
    problems: list[Problem] = []
    label = table.header("client")
    if unresolved:
        without_match = [reference for reference in unresolved if isinstance(reference, str) and not by_name.get(fold(reference))]
        suggestions = (suggester() if suggester else client_suggester(clients)).suggest(without_match) if without_match else {}
        flagged = references[references.isin(unresolved).to_numpy() & by_name_only]
        coded = set(by_code.index[by_code.eq("").to_numpy()])  # rows whose own code names no client: nothing to suggest
        for row, reference in zip(flagged.index.tolist(), flagged.tolist(), strict=True):
            matches = by_name.get(fold(reference), [])
            if matches:
                rows = ", ".join(str(r) for _, r in matches)
                problems.append(Problem.of(messages.AMBIGUOUS_CLIENT, table.name, int(row), label, reference, rows=rows))
            elif reference in suggestions and row not in coded:
                problems.append(
                    Problem.of(
                        messages.UNKNOWN_CLIENT_NEAR,
                        table.name,
                        int(row),
                        label,
                        reference,
                        messages.SEVERITY_WARNING,
                        suggestion=suggestions[reference],
                    )
                )
            else:
                problems.append(Problem.of(messages.UNKNOWN_CLIENT, table.name, int(row), label, reference, messages.SEVERITY_WARNING))
    if twins and by_twin_name:
        named_rows = references[references.isin(by_twin_name).to_numpy() & by_name_only]
        for row, reference in zip(named_rows.index.tolist(), named_rows.tolist(), strict=True):
            client_id = resolved[reference]
            assert client_id is not None
            chosen, others = twins[client_id][0], twins[client_id][1:]
            problems.append(
                Problem.of(
                    messages.REFERENCE_TO_TWIN,
                    table.name,
                    int(row),
                    label,
                    reference,
                    messages.SEVERITY_WARNING,
                    clients=messages.SUGGESTION_OR.join(f"«{name}»" for name in (chosen, *others)),
                    chosen=chosen,
                )
            )
    found = references.map(resolved.get)
    return found.where(by_name_only, by_code), problems


def _by_code(table: SheetTable, by_id: Mapping[str, str]) -> pd.Series:
    """Per row, the client its own client code names, when the sheet has a code column beside the Cliente it is read by
    («Código cliente» beside «Cliente»): the ID, ``""`` for a code that names no client, missing for a row without one.

    A row's own code comes first: its name is only read when it has no code, or its code is not an ID of Clientes.
    Codes of which none is an ID of Clientes are another numbering (an ERP's beside the team's C0001…): not read.
    """
    column = table.spec.column("client")
    headers = {fold(header) for header in (column.label, *column.aliases)}
    code = next(
        (
            slot
            for slot in table.slots
            if slot.startswith(EXTRA_PREFIX) and (fold(table.header(slot)) in headers or _CODE_HEADER.search(fold(table.header(slot))))
        ),
        None,
    )
    nothing = pd.Series(None, index=table.frame.index, dtype="object")
    if code is None:
        return nothing
    found = table.frame[code].map(lambda value: None if is_missing(value) else by_id.get(fold(display(value).strip()), ""))
    return found.astype("object") if (found.notna() & found.ne("")).any() else nothing


def twin_labels(clients: SheetTable, pairs: Iterable[DuplicatePair]) -> dict[str, tuple[str, ...]]:
    """Each client of a suspected duplicate: its own label, then those of the clients it may be the same as."""
    pairs = list(pairs)
    if not pairs:
        return {}
    frame = clients.frame
    rows = {row for pair in pairs for row in (pair.row, pair.other)}  # only the clients of a pair are named
    ids = {row: frame.at[row, "id"] for row in rows}
    labels = {row: client_label(ids[row], frame.at[row, "name"]) for row in rows}
    twins: dict[str, list[str]] = defaultdict(list)
    own: dict[str, str] = {}
    for pair in pairs:
        for row, other in ((pair.row, pair.other), (pair.other, pair.row)):
            if isinstance(client_id := ids[row], str) and ids[other] != client_id:
                twins[client_id].append(labels[other])
                own.setdefault(client_id, labels[row])
    return {client_id: (own[client_id], *dict.fromkeys(others)) for client_id, others in twins.items()}


def comparable(name: str) -> str:
    """A name as a suggestion compares it: folded, without legal forms or punctuation, one space between words."""
    return " ".join(_NOT_ALNUM.sub(" ", _LEGAL_FORMS.sub(" ", fold(name))).split())


# A column that names a client by a code: «Cod_Cliente», «Nro. cliente», «Customer code», «Client ID»…
_CLIENT_WORD = r"(?:cliente|client|customer)"
_CODE_WORD = r"(?:cod|codigo|code|id|nro|num|numero|no)"
_CODE_HEADER = re.compile(rf"^(?:{_CODE_WORD}\W*(?:de\W+|del\W+)?{_CLIENT_WORD}|{_CLIENT_WORD}\W*{_CODE_WORD})$")


def rows_said(count: int) -> str:
    """«1 fila», «3 filas»."""
    return (messages.ROW_SAID if count == 1 else messages.ROWS_SAID).format(count=count)


@dataclasses.dataclass(frozen=True)
class Suggester:
    """Which known names a name typed by hand may have meant: only ever suggested, never applied."""

    labels: tuple[str, ...]  # what a suggestion names, one per candidate («C0002 · Ferretería López S.L.»)
    texts: tuple[str, ...]  # the comparable texts of the candidates, any number each
    owners: tuple[int, ...]  # the candidate of each text

    @classmethod
    def of(cls, candidates: Iterable[tuple[str, Iterable[object]]]) -> Suggester:
        """From each candidate's label and the names it goes by (an ID, a name, a company)."""
        labels: list[str] = []
        texts: list[str] = []
        owners: list[int] = []
        for label, names in candidates:
            for text in dict.fromkeys(comparable(name) for name in names if isinstance(name, str)):
                if text:
                    texts.append(text)
                    owners.append(len(labels))
            labels.append(label)
        return cls(tuple(labels), tuple(texts), tuple(owners))

    def suggest(self, typed: Iterable[str]) -> dict[str, str]:
        """For each typed name that has one, its suggestion as a message says it: «A» o «B» (see :meth:`best`)."""
        return {name: messages.SUGGESTION_OR.join(f"«{label}»" for label in labels) for name, labels in self.best(typed).items()}

    def best(self, typed: Iterable[str]) -> dict[str, list[str]]:
        """For each typed name that has any, the labels of its best-scoring candidates (tied ones, up to MAX_SUGGESTED).

        Scored by rapidfuzz: the edit ratio, or for names of several words on both
        sides, the share of words in common (so a surname left out still finds the
        client). Numbers must agree: «Tienda 1» never suggests «Tienda 2».
        """
        queries = {name: comparable(name) for name in itertools.islice(dict.fromkeys(typed), MAX_QUERIES)}
        queries = {name: text for name, text in queries.items() if text}
        if not queries or not self.texts:
            return {}
        wanted = list(queries.values())
        scores = process.cdist(wanted, self.texts, scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE, dtype=np.uint8, workers=-1)
        worded = np.outer([" " in text for text in wanted], [" " in text for text in self.texts])
        if worded.any():
            words = process.cdist(
                wanted, self.texts, scorer=fuzz.token_set_ratio, score_cutoff=SUGGESTION_SCORE, dtype=np.uint8, workers=-1
            )
            scores = np.maximum(scores, np.where(worded, words, 0))
        found: dict[str, list[str]] = {}
        for (name, text), row in zip(queries.items(), scores, strict=True):
            numbers = _numbers(text)
            hits = [(int(row[i]), self.owners[i]) for i in np.flatnonzero(row) if _numbers(self.texts[i]) == numbers]
            if not hits:
                continue
            best = max(score for score, _ in hits)
            chosen = list(dict.fromkeys(owner for score, owner in hits if score == best))[:MAX_SUGGESTED]
            found[name] = [self.labels[owner] for owner in chosen]
        return found


def _numbers(text: str) -> list[int]:
    return [int(number) for number in _DIGITS.findall(text)]


def client_suggester(clients: SheetTable) -> Suggester:
    """Every client with an ID, by its ID, name and company."""
    frame = clients.frame
    companies = frame["company"] if "company" in frame else pd.Series(None, index=frame.index, dtype="object")
    return Suggester.of(
        (client_label(client_id, name), (client_id, name, company))
        for client_id, name, company in zip(frame["id"], frame["name"], companies, strict=True)
        if isinstance(client_id, str)
    )


def unknown_referrers(clients: SheetTable, suggester: Callable[[], Suggester]) -> list[Problem]:
    """«Referido por» texts that name no client but nearly name one («Ana Perez» for «Ana Pérez García»).

    A text near no client is someone outside the portfolio (a supplier, a fair)
    and is not reported; these count in no referral figure until corrected.
    """
    frame = clients.frame
    if "referred_by" not in frame:
        return []
    known = {fold(value) for column in ("id", "name") for value in frame[column] if isinstance(value, str)}
    typed = frame["referred_by"]
    unknown = [
        text for text in dict.fromkeys(typed.dropna().tolist()) if isinstance(text, str) and text.strip() and fold(text) not in known
    ]
    suggestions = suggester().suggest(unknown) if unknown else {}
    label = clients.header("referred_by")
    return [
        Problem.of(messages.REFERRER_NEAR, clients.name, int(row), label, text, messages.SEVERITY_WARNING, suggestion=suggestions[text])
        for row, text in zip(typed.index.tolist(), typed.tolist(), strict=True)
        if isinstance(text, str) and text in suggestions
    ]


CATALOG_HEADERS = ("producto", "productos", "articulo", "articulos", "product", "item")  # a team sheet's product list column
CATALOG_HEADER_ROWS = 5  # where a product list's header may be


def product_catalog(sheets: Iterable[UnknownSheet]) -> list[str]:
    """The products the team lists in a sheet of its own (a price list, a catalogue): a column headed «Producto»."""
    found: list[str] = []
    for sheet in sheets:
        for number, row in enumerate(sheet.rows[:CATALOG_HEADER_ROWS]):
            col = next((c for c, value in enumerate(row) if isinstance(value, str) and fold(value) in CATALOG_HEADERS), None)
            if col is None:
                continue
            found += [
                str(line[col]).strip()
                for line in sheet.rows[number + 1 :]
                if col < len(line) and isinstance(line[col], str) and line[col].strip()
            ]
            break
    return list(dict.fromkeys(found))


def unlisted_products(sales: SheetTable | None, catalog: Sequence[str]) -> list[Problem]:
    """Products sold that the team's product list does not have but nearly has («Tornilo 3/8» for «Tornillo 3/8»).

    One problem per spelling, at its first row; a product near none is a new one and not said. Nor is one on
    :data:`FEW_LINES` lines or more and at least a third as many as the listed product it is near
    (:data:`NEAR_SPELLING_MAJORITY`): a team's price list is often partial, and «Maca en polvo 500 g» on 77 lines
    is a product, not a slip for «Cacao en polvo 500 g». Fewer lines are too few to tell: the list decides.
    """
    if sales is None or not catalog or "product" not in sales.frame:
        return []
    listed = {fold(name) for name in catalog}
    column = sales.frame["product"]
    typed = [name for name in pd.unique(column.dropna().to_numpy()) if isinstance(name, str) and fold(name) not in listed]
    if not typed:
        return []
    counts = column.value_counts()  # each spelling once, then folded: a sales sheet repeats a few hundred names
    lines = counts.groupby(counts.index.map(fold)).sum()
    near = Suggester.of((name, (name,)) for name in catalog).best(typed)
    problems = []
    for name, candidates in near.items():
        rows = column.index[(column == name).to_numpy()]
        most = max(int(lines.get(fold(candidate), 0)) for candidate in candidates)
        if len(rows) >= FEW_LINES and len(rows) * NEAR_SPELLING_MAJORITY > most:
            continue  # used as often as what it is near: a product of its own
        suggestion = messages.SUGGESTION_OR.join(f"«{candidate}»" for candidate in candidates)
        problems.append(
            Problem.of(
                messages.PRODUCT_NEAR,
                sales.name,
                int(rows[0]),
                sales.header("product"),
                name,
                messages.SEVERITY_WARNING,
                suggestion=suggestion,
                count=rows_said(len(rows)),
            )
        )
    return problems


def actions_without_a_date(followups: SheetTable | None, problems: list[Problem]) -> list[Problem]:
    """The problems with an unreadable next-action date that say what it costs: that action is in no Agenda and no colour.

    Each such «no es una fecha reconocible» of Seguimiento's Fecha próxima acción, on a row with a Próxima acción, is
    said with the action it leaves out; every other problem is kept as it is.
    """
    if followups is None or "next_action" not in followups.frame or "next_action_date" not in followups.positions:
        return problems
    label, bad_date = followups.header("next_action_date"), messages.BAD_DATE.code
    actions = followups.frame["next_action"]
    result = []
    for problem in problems:
        action = actions.get(problem.row) if problem.row is not None else None
        if problem.code == bad_date and problem.sheet == followups.name and problem.column == label and isinstance(action, str):
            problem = Problem.of(messages.ACTION_DATE_UNREADABLE, problem.sheet, problem.row, label, problem.value, action=action.strip())
        result.append(problem)
    return result


def repeated_sales(sales: SheetTable | None) -> list[Problem]:
    """Sales lines that repeat an earlier one in every cell the team typed (date, client, product, amount, invoice…).

    Whatever made them (a paste twice, a conflicted copy's line kept on both sides), such a sale counts twice:
    said at each repetition, naming the row it repeats. Found first among lines alike in their numbers and
    dates (cheap to compare), then in every column.
    """
    if sales is None or len(sales.frame) < 2:
        return []
    frame = sales.frame[list(sales.slots)]
    cheap = [slot for slot in sales.slots if frame[slot].dtype.kind in "biufmM"]
    candidates = frame[frame.duplicated(subset=cheap, keep=False)] if cheap else frame
    if candidates.empty:
        return []
    repeated = candidates.duplicated(keep="first")
    first_of: dict[tuple[Any, ...], int] = {}
    problems = []
    for row, values, again in zip(candidates.index, candidates.itertuples(index=False), repeated, strict=True):
        key = tuple(None if is_missing(value) else value for value in values)
        if not again:
            first_of.setdefault(key, int(row))
            continue
        problems.append(
            Problem.of(messages.REPEATED_SALE, sales.name, int(row), "", "", messages.SEVERITY_WARNING, other=first_of.get(key, ""))
        )
    return problems


FEW_LINES = 3  # a product name on fewer lines than this is too rare to tell a product of its own from a slip
NEAR_SPELLING_MAJORITY = 3  # a spelling is a near miss of another used at least this many times as often


def near_salespeople(tables: Mapping[str, SheetTable]) -> list[Problem]:
    """Salespeople written nearly like a more common one («Luica» beside «Lucía»): asked, never merged.

    Run after :func:`one_spelling_per_salesperson`, so spellings that fold alike
    are one already; reported once, at the first row of the rare spelling.
    """
    counts = _salesperson_rows(tables)
    problems = []
    for name, count in counts.items():
        common = [other for other in counts if other != name and counts[other] >= NEAR_SPELLING_MAJORITY * count]
        nearest = Suggester.of((other, (other,)) for other in common).best([name]).get(name) if common else None
        if not nearest:
            continue
        other = nearest[0]
        table, row = next(
            (table, int(table.frame.index[(table.frame["salesperson"] == name).to_numpy()][0]))
            for table in tables.values()
            if "salesperson" in table.frame and (table.frame["salesperson"] == name).any()
        )
        problems.append(
            Problem.of(
                messages.SALESPERSON_NEAR,
                table.name,
                row,
                table.header("salesperson"),
                name,
                messages.SEVERITY_WARNING,
                suggestion=other,
                count=rows_said(count),
                other_count=rows_said(counts[other]),
            )
        )
    return problems


# Addresses surely valid, checked at regex speed; anything else goes to email-validator (thousands of clients).
_PLAIN_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)[A-Za-z0-9._%+-]{1,64}(?<!\.)@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)


def bad_emails(clients: SheetTable) -> list[Problem]:
    """Emails that cannot be an address (``pedro@@gmail.com``, ``marta.gomez@hotmail``): a syntax check, no network."""
    if "email" not in clients.frame:
        return []
    problems = []
    label = clients.header("email")
    for row, value in zip(clients.frame.index.tolist(), clients.frame["email"].tolist(), strict=True):
        if not isinstance(value, str) or not value.strip():
            continue
        address = value.strip()
        if len(address) <= 254 and _PLAIN_EMAIL.match(address):
            continue
        # The RFCs' rules, kept by others; imported only for an address the regex does not vouch for.
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            problems.append(Problem.of(messages.BAD_EMAIL, clients.name, int(row), label, address, messages.SEVERITY_WARNING))
    return problems


MIN_PHONE_DIGITS = 6  # the shortest local numbers (a provincial landline without its area code)


def short_phones(clients: SheetTable) -> list[Problem]:
    """Phone numbers with too few digits to dial (``98765``): a digit lost while typing. Several numbers in one cell are fine."""
    if "phone" not in clients.frame:
        return []
    label = clients.header("phone")
    problems = []
    for row, value in zip(clients.frame.index.tolist(), clients.frame["phone"].tolist(), strict=True):
        if not isinstance(value, str) or not value.strip():
            continue
        digits = sum(ch.isdigit() for ch in value)
        if digits < MIN_PHONE_DIGITS:
            problems.append(
                Problem.of(messages.SHORT_PHONE, clients.name, int(row), label, value.strip(), messages.SEVERITY_WARNING, digits=digits)
            )
    return problems


@dataclasses.dataclass(frozen=True)
class DuplicatePair:
    """Two rows of Clientes that may be the same client: ``row`` is the later one, said of ``column``."""

    row: int
    other: int
    reason: str
    column: str


def duplicate_pairs(clients: SheetTable) -> list[DuplicatePair]:
    """Clients that may be the same: same tax id, email or phone after normalising, or near-identical names."""
    frame = clients.frame
    pairs: dict[tuple[int, int], DuplicatePair] = {}

    def report(row: int, other: int, reason: str, column: str) -> None:
        pair = (min(row, other), max(row, other))
        pairs.setdefault(pair, DuplicatePair(pair[1], pair[0], reason, column))

    for column, reason, normalise in (
        ("tax_id", messages.DUPLICATE_REASON_TAX_ID, _normalise_code),
        ("email", messages.DUPLICATE_REASON_EMAIL, lambda v: v.strip().casefold()),
        ("phone", messages.DUPLICATE_REASON_PHONE, _normalise_phone),
    ):
        if column not in frame:
            continue
        seen: dict[str, int] = {}
        for row, value in zip(frame[column].index.tolist(), frame[column].tolist(), strict=True):
            key = normalise(value) if isinstance(value, str) else ""
            if not key:
                continue
            if key in seen:
                report(int(row), seen[key], reason, column)
            else:
                seen[key] = int(row)

    # Same person at two companies is two clients: compare name and company together.
    companies = frame["company"] if "company" in frame else pd.Series(None, index=frame.index, dtype="object")
    names = sorted(
        (_normalise_name(name) + " " + (_normalise_name(company) if isinstance(company, str) else ""), int(row))
        for row, name, company in zip(frame.index, frame["name"], companies, strict=True)
        if isinstance(name, str) and name.strip()
    )
    for (name_a, row_a), (name_b, row_b) in itertools.pairwise(names):
        if not name_a or len(name_a) < MIN_NAME_LENGTH:
            continue
        if _DIGITS.findall(name_a) != _DIGITS.findall(name_b):
            continue  # «Tienda 1» and «Tienda 2» are two branches, not a typo
        if name_a == name_b or difflib.SequenceMatcher(None, name_a, name_b).ratio() >= NEAR_NAME_RATIO:
            report(row_b, row_a, messages.DUPLICATE_REASON_NAME, "name")
    return sorted(pairs.values(), key=lambda pair: pair.row)


def same_names(clients: SheetTable, pairs: Iterable[DuplicatePair]) -> list[Problem]:
    """Clients named alike that are not suspected to be one (``pairs``): two people of one name at two companies.

    Said once, at the later row: a reference by that name in another sheet cannot tell them apart (it is ambiguous
    there, row by row; see :func:`resolve_clients`).
    """
    frame = clients.frame
    suspected = {(pair.other, pair.row) for pair in pairs}
    first: dict[str, int] = {}
    problems = []
    for row, name in zip(frame.index.tolist(), frame["name"].tolist(), strict=True):
        key = fold(name).strip() if isinstance(name, str) else ""
        if not key:
            continue
        if key not in first:
            first[key] = int(row)
        elif (first[key], int(row)) not in suspected:
            other = first[key]
            problems.append(
                Problem.of(
                    messages.SAME_NAME,
                    clients.name,
                    int(row),
                    clients.header("name"),
                    name,
                    messages.SEVERITY_WARNING,
                    other=other,
                    other_client=client_label(frame.at[other, "id"], frame.at[other, "name"]),
                )
            )
    return problems


def suspected_duplicates(clients: SheetTable, pairs: Iterable[DuplicatePair] | None = None) -> list[Problem]:
    """Each suspected duplicate (``pairs``, found when not given) said at its later row."""
    frame = clients.frame
    return [
        Problem.of(
            messages.SUSPECTED_DUPLICATE,
            clients.name,
            pair.row,
            clients.header(pair.column),
            frame.at[pair.row, pair.column] if pair.column in frame else "",
            messages.SEVERITY_WARNING,
            other=pair.other,
            other_client=client_label(frame.at[pair.other, "id"], frame.at[pair.other, "name"]),
            reason=pair.reason,
        )
        for pair in (duplicate_pairs(clients) if pairs is None else pairs)
    ]


def _normalise_code(value: str) -> str:
    return _NOT_ALNUM.sub("", fold(value))


def _normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[-9:] if len(digits) >= 7 else ""


def _normalise_name(value: str) -> str:
    return _NOT_ALNUM.sub("", _LEGAL_FORMS.sub(" ", fold(value)))


CLIENT_LABEL_SEPARATOR = messages.CLIENT_LABEL.format(id="", name="")  # « · »: what a Cliente list puts between ID and name


def _name(name: object) -> str:
    return name.strip() if isinstance(name, str) else ""


def client_label(client_id: object, name: object) -> str:
    """«C004 · Ana Pérez»: how a client is named in Revisar and in the Cliente lists."""
    parts = [str(part).strip() for part in (client_id, name) if isinstance(part, str) and part.strip()]
    return messages.CLIENT_LABEL.format(id=parts[0], name=parts[1]) if len(parts) == 2 and parts[0] != parts[1] else "".join(parts[:1])


def client_rows(tables: Mapping[str, SheetTable], wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The client's «ID · Nombre» of each (sheet, row) in ``wanted`` that belongs to one (a row of Clientes, or a resolved row)."""
    clients = tables[CLIENTES.key]
    by_sheet = {table.name: table for table in tables.values()}
    frame = clients.frame
    labels = {
        client_id: client_label(client_id, name)
        for client_id, name in zip(frame["id"], frame["name"], strict=True)
        if isinstance(client_id, str)
    }
    found: dict[tuple[str, int], str] = {}
    for sheet, row in set(wanted):
        table = by_sheet.get(sheet)
        if table is None or row not in table.frame.index:
            continue
        if table is clients:
            found[(sheet, row)] = client_label(frame.at[row, "id"], frame.at[row, "name"])
        elif CLIENT_ID in table.frame and isinstance(client_id := table.frame.at[row, CLIENT_ID], str):
            found[(sheet, row)] = labels.get(client_id, client_id)
    return found
