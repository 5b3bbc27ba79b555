#!/usr/bin/env bash
# Ver un libro como lo ve una persona: LibreOffice Calc lo imprime a PDF y cada página queda como PNG.
# Uso: bash scripts/imprimir.sh LIBRO.xlsx [CARPETA]   (por omisión, «imprimir-LIBRO» junto al libro)
set -euo pipefail
[ $# -ge 1 ] || { echo "Uso: bash scripts/imprimir.sh LIBRO.xlsx [CARPETA]" >&2; exit 2; }
libro=$(realpath "$1")
salida=$(realpath -m "${2:-$(dirname "$libro")/imprimir-$(basename "${libro%.*}")}")
command -v soffice >/dev/null && command -v pdftoppm >/dev/null || {
  echo "Faltan LibreOffice Calc o poppler-utils: bash scripts/instalar.sh los instala." >&2
  exit 2
}
mkdir -p "$salida"
perfil=$(mktemp -d)
trap 'rm -rf "$perfil"' EXIT
timeout 180 soffice "-env:UserInstallation=file://$perfil" --headless --convert-to pdf --outdir "$salida" "$libro" >/dev/null 2>&1 || true
pdf="$salida/$(basename "${libro%.*}").pdf"
[ -f "$pdf" ] || { echo "LibreOffice no pudo abrir $libro" >&2; exit 1; }
pdftoppm -r "${RESOLUCION:-70}" -png "$pdf" "$salida/pagina"
ls "$salida"/pagina*.png
