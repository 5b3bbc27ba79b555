"""The real application: LibreOffice Calc opens, re-saves and prints the regenerated workbook."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

import cartera_xls
from cartera_xls.demo import FIXED_HOY, build_plantillas
from cartera_xls.schema import messages

from .conftest import HOY, backups, sheet_names
from .test_cli import run

TEAM_DATA_SHEETS = {"Clientes", "Ventas", "Seguimiento", "Oportunidades", "Encuestas", "Reclamos", "Reglas"}
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(
    soffice: str, source: Path, target_format: str, folder: Path, recalculate: bool = False, clock: list[str] | None = None
) -> Path:
    """Open ``source`` in LibreOffice Calc and save it as ``target_format`` in ``folder``.

    With ``recalculate``, LibreOffice computes every formula on load (by default it keeps Excel's cached values);
    ``clock`` runs it under a faked clock (``[faketime, "2026-12-17 10:00:00"]``): opened on another day.
    """
    with tempfile.TemporaryDirectory() as profile:
        if recalculate:
            (Path(profile) / "user").mkdir()
            (Path(profile) / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD, "utf-8")
        subprocess.run(
            [
                *(clock or []),
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target_format,
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    converted = folder / (source.stem + "." + target_format.split(":")[0])
    assert converted.exists(), f"LibreOffice did not write {converted}"
    return converted


def recalculated(soffice: str, path: Path, folder: Path) -> Any:
    """The values LibreOffice computes for ``path``, every formula recalculated (an openpyxl workbook of values)."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():  # openpyxl cannot read sparklines and says so; the values are what is read here
        warnings.filterwarnings("ignore", "Sparkline Group extension is not supported", UserWarning)
        return openpyxl.load_workbook(convert(soffice, path, "xlsx", folder, recalculate=True), data_only=True)


@pytest.mark.libreoffice
def test_resaved_by_libreoffice_refreshes_with_nothing_lost(soffice: str, tmp_path: Path) -> None:
    _, demo = build_plantillas(tmp_path / "plantillas")
    resaved = convert(soffice, demo, "xlsx", tmp_path / "resaved")
    original = cartera_xls.load(demo, hoy=HOY)
    again = cartera_xls.load(resaved, hoy=HOY)
    for sheet in ("clientes", "ventas", "seguimiento", "oportunidades", "encuestas", "reclamos"):
        assert again.models(sheet) == original.models(sheet), sheet
    assert again.refreshed.parameters == original.refreshed.parameters
    assert [(p.sheet, p.row, p.message) for p in again.problems] == [(p.sheet, p.row, p.message) for p in original.problems]
    # And the refresh of the re-saved file writes the same data as the original's.
    out = tmp_path / "otra_vez.xlsx"
    cartera_xls.refresh(resaved, out, hoy=HOY)
    assert cartera_xls.load(out, hoy=HOY).models("clientes") == original.models("clientes")


@pytest.mark.libreoffice
def test_libreoffice_prints_every_sheet(soffice: str, tmp_path: Path) -> None:
    _, demo = build_plantillas(tmp_path / "plantillas")
    pdf = convert(soffice, demo, "pdf", tmp_path / "pdf")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    visible = [name for name in sheet_names(demo) if name != "Listas"]
    assert pages >= len(visible)  # every visible sheet prints at least one page
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for header in ("Nombre", "Importe", "Qué hacer", "Parámetro", "Cómo usar este libro"):
        assert header in text


@pytest.mark.libreoffice
@pytest.mark.parametrize("target", ["ods", "xls"])
def test_other_formats_read_like_xlsx(soffice: str, tmp_path: Path, target: str) -> None:
    _, demo = build_plantillas(tmp_path / "plantillas")
    converted = convert(soffice, demo, target, tmp_path / target)
    original = cartera_xls.load(demo, hoy=HOY)
    other = cartera_xls.load(converted, hoy=HOY)
    for sheet in ("clientes", "ventas", "seguimiento"):
        assert other.models(sheet) == original.models(sheet), sheet
    beside = converted.with_suffix(".xlsx")
    beside.write_bytes(demo.read_bytes())  # an unrelated .xlsx of the same name is already there
    code, out, err = run("refresh", str(converted), "--hoy", HOY.isoformat())  # writes .xlsx beside, keeps the original
    assert (code, err) == (0, "") and converted.exists()
    backup = backups(converted.parent)[0]
    assert backup.read_bytes() == demo.read_bytes()  # the .xlsx it replaced is kept…
    assert messages.CLI_REPLACED_OTHER.format(written=beside.name, path=backup) in out  # …and the team is told


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def _fill_pixels(ppm: bytes, colour: tuple[int, int, int]) -> int:
    """How many pixels of a binary PPM (P6) have exactly ``colour``."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6"
    pixels = parts[4]
    target = bytes(colour)
    return sum(1 for i in range(0, len(pixels) - 2, 3) if pixels[i : i + 3] == target)


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("days_from_today", "red", "yellow", "word"),
    [(-1, True, False, "rojo"), (0, True, False, "rojo"), (3, False, True, "amarillo"), (30, False, False, "sin alerta")],
)
def test_libreoffice_colours_next_contact_against_its_own_today(
    soffice: str, faketime: str, tmp_path: Path, days_from_today: int, red: bool, yellow: bool, word: str
) -> None:
    """The colours and the Semáforo word come from LibreOffice's TODAY(), not from the day of the refresh.

    Refreshed today the action is far ahead (no light); opened 60 days later (a faked clock) it is overdue, due soon
    or still ahead.
    """
    import datetime as dt

    from cartera_xls.styles import SEMAFORO_COLOURS

    from .conftest import make_workbook

    hoy = dt.date.today()  # refreshed as of the real today: the live colours follow the day the workbook is opened
    today = hoy + dt.timedelta(days=60)  # the day it is opened; for the rules, the committed action is far ahead: no light
    action = dt.datetime.combine(today + dt.timedelta(days=days_from_today), dt.time())
    contact = dt.datetime.combine(hoy - dt.timedelta(days=1), dt.time())
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Seguimiento": [["Fecha", "Cliente", "Fecha próxima acción"], [contact, "C1", action]],
        },
    )
    out = tmp_path / "salida.xlsx"
    refreshed = cartera_xls.refresh(source, out, hoy=hoy)
    assert refreshed.cartera.clientes["Próximo contacto"].tolist() == [action]
    assert refreshed.cartera.clientes["Semáforo"].tolist() == ["sin alerta"]
    pdf = convert(soffice, out, "pdf", tmp_path / "pdf", clock=[faketime, f"{today:%Y-%m-%d} 10:00:00"])
    page = _page_with(pdf, "Ana", "Semáforo")  # Clientes is the team's, printed as LibreOffice's default: its page with the tool's columns
    text = _page_text(pdf, page)
    assert word in text.split("\n")  # the Semáforo cell reads the live word, never «sin alerta» beside a red date
    if word != "sin alerta":
        assert "sin alerta" not in text
    prefix = tmp_path / "pagina"
    subprocess.run(["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)], check=True)
    ppm = prefix.with_suffix(".ppm").read_bytes()
    red_fill = _rgb(SEMAFORO_COLOURS["rojo"].fill)
    yellow_fill = _rgb(SEMAFORO_COLOURS["amarillo"].fill)
    assert (_fill_pixels(ppm, red_fill) > 0) is red
    assert (_fill_pixels(ppm, yellow_fill) > 0) is yellow


def _sheet_pages(pdf: Path) -> dict[str, list[int]]:
    """The pages each sheet printed on, by the sheet name in their footer (pages without our footer left out)."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    found: dict[str, list[int]] = {}
    for number in range(1, pages + 1):
        command = ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        footer = next((line for line in text.splitlines()[::-1] if "Página" in line), None)
        if footer is not None:
            found.setdefault(re.split(r"\s{2,}", footer.strip())[0], []).append(number)
    return found


def _page_with(pdf: Path, *words: str) -> int:
    """The first page whose text has each of ``words`` on a line of its own."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    return next(number for number in range(1, pages + 1) if set(words) <= set(_page_text(pdf, number).split("\n")))


def _page_text(pdf: Path, number: int) -> str:
    command = ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


@pytest.mark.libreoffice
@pytest.mark.parametrize(("days_later", "stale"), [(0, False), (10, True)])
def test_libreoffice_shows_a_stale_refresh_in_orange_words(
    soffice: str, faketime: str, tmp_path: Path, days_later: int, stale: bool
) -> None:
    """«Actualizado el …» turns into «… actualice la cartera» by LibreOffice's own TODAY() once the file is a week old:
    refreshed today, opened today or ten days later (a faked clock)."""
    import datetime as dt

    from .conftest import make_workbook

    hoy = dt.date.today()
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]]})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=hoy)
    opened = f"{hoy + dt.timedelta(days=days_later):%Y-%m-%d} 10:00:00"
    pdf = convert(soffice, out, "pdf", tmp_path / "pdf", clock=[faketime, opened] if days_later else None)
    first_page = _page_text(pdf, 1)
    assert f"Actualizado el {hoy:%d/%m/%Y}" in first_page
    assert ("actualice la cartera" in first_page) is stale  # 10 days > summary.STALE_DAYS
    agenda = _page_text(pdf, _page_with(pdf, "Fecha", "Vendedor"))
    assert ("actualice la cartera" in agenda) is stale and "###" not in agenda  # the long words have room in Agenda too


@pytest.mark.libreoffice
def test_a_small_workbook_prints_like_a_report(soffice: str, tmp_path: Path) -> None:
    """13 clients with every sheet: at most 27 pages, each sheet one page wide (every page shows its first and last column).

    26 since Análisis keeps each section on a page of its own rather than cutting a table from its header (issue 24);
    27 since Productos starts its offers on a page of their own when Excel's page (rows of 15 points, shrunk to the
    sheet's width) has no room left for their heading and first rows (issue 32; LibreOffice's rows are shorter).

    The data sheets print as the team set them up (``demo.write_input``: one page wide, their own footer).
    """
    from .test_print import thirteen_clients

    pdf = convert(soffice, thirteen_clients(tmp_path), "pdf", tmp_path / "pdf")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    assert pages <= 27
    by_sheet: dict[str, list[str]] = {}
    for number in range(1, pages + 1):
        command = ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        footer = next((line for line in text.splitlines()[::-1] if "Página" in line), None)
        if footer is None:  # the team's own sheet (Metas del equipo) prints as the team set it up
            assert "Meta" in text
            continue
        sheet, page, *date = re.split(r"\s{2,}", footer.strip())  # the footer: the sheet, page x of y, the refresh date
        assert page == f"Página {number} de {pages}"
        assert date == ([] if sheet in TEAM_DATA_SHEETS else [f"Actualizado el {FIXED_HOY:%d/%m/%Y}"])  # the team's own footer
        by_sheet.setdefault(sheet, []).append(text)
    assert {"Resumen", "Agenda", "Clientes", "Ventas", "Revisar", "Instrucciones"} <= set(by_sheet)
    for sheet, first, last in (("Clientes", "Nombre", "ofrecer"), ("Ventas", "Fecha", "Importe"), ("Agenda", "Fecha", "Estado")):
        for text in by_sheet[sheet]:
            assert first in text and last in text, sheet  # never a page of the right-hand columns alone


@pytest.mark.libreoffice
def test_a_lapsed_wait_turns_yellow_when_opened_later(soffice: str, faketime: str, tmp_path: Path) -> None:
    """Issue 24, point 2: green while the client has time to answer; opened after the wait, the row is yellow, not green,
    in Clientes and in the Agenda alike (issue 36, point 7: the Agenda had no lapsed-wait rule and stayed green).

    Refreshed today, the day after the client was asked (waited 1 of 10 days: verde), opened 10 days later (a faked
    clock), 11 days after the question: the wait is over and the reminder falls on the follow-up day, 4 days ahead
    (not overdue). LibreOffice's TODAY() decides.
    """
    import datetime as dt

    from cartera_xls.schema.params import WEEKDAYS
    from cartera_xls.styles import SEMAFORO_COLOURS

    from .conftest import make_workbook

    today = dt.date.today() + dt.timedelta(days=10)  # the day it is opened
    asked = dt.datetime.combine(today - dt.timedelta(days=11), dt.time())
    follow_up_day = WEEKDAYS[(today + dt.timedelta(days=4)).weekday()]
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Seguimiento": [["Fecha", "Cliente", "Esperando respuesta"], [asked, "C1", "sí"]],
            "Reglas": [["Parámetro", "Valor"], ["dia_seguimiento", follow_up_day], ["dias_espera_respuesta", 10]],
        },
    )
    out = tmp_path / "salida.xlsx"
    refreshed = cartera_xls.refresh(source, out, hoy=asked.date() + dt.timedelta(days=1))
    assert refreshed.cartera.clientes["Semáforo"].tolist() == ["verde"]
    assert refreshed.cartera.clientes["Próximo contacto"].tolist() == [dt.datetime.combine(today + dt.timedelta(days=4), dt.time())]
    pdf = convert(soffice, out, "pdf", tmp_path / "pdf", clock=[faketime, f"{today:%Y-%m-%d} 10:00:00"])
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    texts = {n: _page_text(pdf, n) for n in range(1, pages + 1)}
    page = next(n for n, text in texts.items() if {"Ana", "Semáforo"} <= set(text.split("\n")) and "Agenda" not in text)
    lines = _page_text(pdf, page).split("\n")  # Clientes, as the team prints it: the Semáforo cell reads the live word
    assert "amarillo" in lines and "verde" not in lines
    agenda = _page_text(pdf, _page_with(pdf, "Fecha", "Vendedor")).split()  # the same live rules (issue 36, point 7)
    assert "amarillo" in agenda and "verde" not in agenda, " ".join(agenda)
    prefix = tmp_path / "pagina"
    subprocess.run(["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)], check=True)
    ppm = prefix.with_suffix(".ppm").read_bytes()
    assert _fill_pixels(ppm, _rgb(SEMAFORO_COLOURS["amarillo"].fill)) > 0
    assert _fill_pixels(ppm, _rgb(SEMAFORO_COLOURS["verde"].fill)) == 0


def _agenda_words(soffice: str, tmp_path: Path, hoy: dt.date, due: dt.date, opened: dt.date | None, faketime: str) -> str:
    """A call due on ``due``, refreshed as of ``hoy`` and opened in LibreOffice on ``opened`` (None: today): Agenda's text."""
    from .conftest import make_workbook

    contact = [dt.datetime.combine(hoy - dt.timedelta(days=10), dt.time()), "C1", "llamada", "Llamar", dt.datetime.combine(due, dt.time())]
    sheets: dict[str, list[list[Any]]] = {
        "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
        "Seguimiento": [["Fecha", "Cliente", "Tipo", "Próxima acción", "Fecha próxima acción"], contact],
    }
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(make_workbook(tmp_path / "c.xlsx", sheets), out, hoy=hoy)
    clock = [faketime, f"{opened:%Y-%m-%d} 10:00:00"] if opened is not None else None
    pdf = convert(soffice, out, "pdf", tmp_path / "pdf", clock=clock)
    return _page_text(pdf, _page_with(pdf, "Fecha", "Vendedor"))


@pytest.mark.libreoffice
def test_a_workbook_refreshed_as_of_a_past_day_shows_that_days_colours(soffice: str, faketime: str, tmp_path: Path) -> None:
    """Issue 36, point 6: refreshed with --hoy 30/12/2017, a call due on 02/01/2018 is amarillo, and LibreOffice, opened
    today, shows it amarillo too (its colours compare with 30/12/2017, not with TODAY()), with «Calculado al 30/12/2017»."""
    text = _agenda_words(soffice, tmp_path, dt.date(2017, 12, 30), dt.date(2018, 1, 2), None, faketime)
    assert "amarillo" in text.split() and "rojo" not in text.split(), text
    assert "Calculado al 30/12/2017" in text and "actualice la cartera" not in text


@pytest.mark.libreoffice
def test_a_workbook_refreshed_today_turns_red_when_its_call_is_overdue(soffice: str, faketime: str, tmp_path: Path) -> None:
    """Issue 36, points 6 and 7, as a team lives them: refreshed today with a call due in three days (amarillo), opened ten
    days later: the call is overdue and reads rojo, and the stamp asks for a refresh."""
    today = dt.date.today()
    text = _agenda_words(soffice, tmp_path, today, today + dt.timedelta(days=3), today + dt.timedelta(days=10), faketime)
    assert "rojo" in text.split() and "amarillo" not in text.split(), text
    assert "actualice la cartera" in text


@pytest.mark.libreoffice
def test_long_summary_tables_keep_their_headings_and_notes_are_whole(soffice: str, tmp_path: Path) -> None:
    """Issue 32, point 8, seen on LibreOffice's print of 150 clients:

    - every page the offers, Pareto or cities tables run on to starts with their heading (a page of bare rows before);
    - the Resumen's notes are printed whole, wrapped inside the page (a note ran off the page edge);
    - two number headers side by side never touch («Periodo anterior Mismo periodo del» read as one line).
    """
    import openpyxl

    from cartera_xls.demo import generate, write_input
    from cartera_xls.schema import summary as labels

    source = tmp_path / "entrada.xlsx"
    write_input(generate(FIXED_HOY, clients=150), source)
    out = cartera_xls.refresh(source, tmp_path / "salida.xlsx", hoy=FIXED_HOY).written
    pdf = convert(soffice, out, "pdf", tmp_path / "pdf")
    pages = _sheet_pages(pdf)
    headings = {
        "Productos": labels.OFFERS.column("producto").label,
        "Concentración": labels.PARETO.column("acumulada").label,
    }
    for sheet, heading in headings.items():
        shown = [heading in _page_text(pdf, number) for number in pages[sheet]]
        start = shown.index(True)  # the page the table starts on
        assert len(shown) - start >= 2, sheet  # the case: a table that runs on to another page
        assert all(shown[start:]), (sheet, pages[sheet], shown)
    book = openpyxl.load_workbook(out)
    geografia = book["Geografía"]  # its cities are few here: their heading is what repeats on a long list's pages
    by_city = next(row for row in range(1, geografia.max_row + 1) if geografia.cell(row, 1).value == labels.BY_CITY)
    assert geografia.print_title_rows == f"${by_city}:${by_city + 1}"
    resumen = book["Resumen"]
    notes = [cell.value for row in resumen.iter_rows() for cell in row if cell.font.i and isinstance(cell.value, str)]
    notes = [note for note in notes if note.count(" ") > 15]  # the sentences, not the short subtitles
    assert len(notes) >= 2
    printed = " ".join(_page_text(pdf, pages["Resumen"][0]).split())
    for note in notes:
        assert " ".join(note.split()) in printed, note
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert re.search(r"Periodo anterior {2,}Mismo periodo", layout), layout[:2000]
