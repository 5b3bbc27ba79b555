#!/usr/bin/env bash
# Instala todo desde cero: un entorno virtual .venv con cartera_xls y sus dependencias de pruebas,
# y en Debian/Ubuntu LibreOffice Calc, poppler-utils y faketime (un reloj falso) para las pruebas con la aplicación real.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || ! command -v faketime >/dev/null; then
  if command -v apt-get >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libreoffice-calc-nogui poppler-utils faketime >/dev/null
  else
    echo "Aviso: instale LibreOffice Calc, poppler-utils y faketime para las pruebas con la aplicación real." >&2
  fi
fi
echo "Listo: use .venv/bin/python -m cartera_xls"
