#!/usr/bin/env bash
# Todas las comprobaciones: estilo (ruff), tipos (mypy) y pruebas (pytest, avisos como errores).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m mypy cartera_xls tests benchmarks scripts
.venv/bin/python -m pytest "$@"
