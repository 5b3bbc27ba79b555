"""Capturas del README: imprime la cartera de ejemplo con LibreOffice y guarda las páginas en docs/img/.

    .venv/bin/python scripts/capturas.py

Necesita LibreOffice (soffice) y poppler-utils (pdftoppm, pdftotext), que instala scripts/instalar.sh.
Vuelva a ejecutarlo cuando cambie el aspecto del libro regenerado.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
DPI = "80"
# image name → words that identify the page to keep (the first page that has them all)
PAGES = {
    "resumen.png": ("Resumen de la cartera", "Facturación por mes"),
    "agenda.png": ("Agenda de seguimiento",),
    "clientes.png": ("Acción sugerida", "Cartera de clientes"),
}
# Columns of Clientes shown in its picture (the others are hidden, as a manager would do to print it)
CLIENT_COLUMNS = ("ID", "Nombre", "Empresa", "Vendedor", "Estado", "Semáforo", "Motivo", "Próximo contacto", "Acción sugerida")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from cartera_xls.demo import build_plantillas

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _, demo = build_plantillas(work)
        _hide_client_columns(demo)
        profile = work / "perfil"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(demo)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = work / (demo.stem + ".pdf")
        pages = int(next(line.split()[-1] for line in _run("pdfinfo", str(pdf)).splitlines() if line.startswith("Pages:")))
        texts = [_run("pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-") for n in range(1, pages + 1)]
        for name, words in PAGES.items():
            number = next(n for n, text in enumerate(texts, start=1) if all(word in text for word in words))
            prefix = work / name.removesuffix(".png")
            subprocess.run(
                ["pdftoppm", "-r", DPI, "-f", str(number), "-l", str(number), "-png", "-singlefile", str(pdf), str(prefix)], check=True
            )
            shutil.copy(prefix.with_suffix(".png"), OUT / name)
            print(OUT / name)
    return 0


def _hide_client_columns(path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Clientes"]
    header = next(row for row in sheet.iter_rows(max_row=10) if any(cell.value == "Nombre" for cell in row))
    for cell in header:
        if cell.value not in CLIENT_COLUMNS:
            sheet.column_dimensions[cell.column_letter].hidden = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(path)


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


if __name__ == "__main__":
    raise SystemExit(main())
