"""Microsoft's Open XML SDK validator (DocumentFormat.OpenXml), hosted in this Python process.

Excel cannot run here, and LibreOffice opens almost anything, so the tests ask
the validator Office's own tooling uses. It comes from the package registry:
the wheel ``python-redlines-docxodus`` ships a self-contained .NET runtime with
``DocumentFormat.OpenXml.dll``, and ``pythonnet`` hosts it once the runtime is
laid out as a shared framework (``clr_loader`` starts .NET through hostfxr,
which only starts framework-dependent components):

    <root>/host/fxr/<version>/libhostfxr.so
    <root>/shared/Microsoft.NETCore.App/<version>/  the runtime + its deps.json
    <root>/app/  the SDK's two DLLs + a runtimeconfig.json naming that framework

The layout is built once, beside the virtual environment, from the wheel's own
archive (under a file lock: parallel test workers share it).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import shutil
import sys
import tarfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from filelock import FileLock

WHEEL = "python-redlines-docxodus"
FRAMEWORK = "Microsoft.NETCore.App"
SDK_FILES = ("DocumentFormat.OpenXml.Framework.dll", "DocumentFormat.OpenXml.dll")
UNOPENABLE = "package"  # the code of the finding for a package the SDK cannot open
NOT_RUNTIME = ("DocumentFormat.", "Docxodus.", "redline", "SkiaSharp.", "libSkiaSharp.", "createdump")


@dataclass(frozen=True)
class Finding:
    """One error the validator reports."""

    part: str  # the part's name in the package, e.g. "/xl/worksheets/sheet1.xml"
    where: str  # the element's XPath inside the part
    code: str  # the SDK's error id, e.g. "Sch_UnexpectedElementContentExpectingComplex"
    description: str

    def __str__(self) -> str:
        return f"{self.part} {self.where}: [{self.code}] {self.description}"

    @property
    def signature(self) -> tuple[str, str]:
        """What makes two findings the same problem in an input and in the workbook written from it."""
        return (self.code, self.description)


def _archive() -> Path:
    spec = importlib.util.find_spec("python_redlines_docxodus")
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{WHEEL} is not installed: `pip install -e '.[test]'` (scripts/instalar.sh) installs it")
    found = sorted((Path(spec.origin).parent / "_binaries").glob("linux-x64.tar.gz"))
    if not found:
        raise RuntimeError(f"{WHEEL} has no linux-x64 runtime in {Path(spec.origin).parent}")
    return found[0]


def _runtime_version(unpacked: Path) -> str:
    config = json.loads((unpacked / "redline.runtimeconfig.json").read_text())
    frameworks = config["runtimeOptions"]["includedFrameworks"]
    return str(next(item["version"] for item in frameworks if item["name"] == FRAMEWORK))


def _framework_deps(unpacked: Path, version: str) -> dict[str, Any]:
    """The shared framework's deps.json, made from the self-contained app's runtime pack entry."""
    deps = json.loads((unpacked / "redline.deps.json").read_text())
    runtime_target = deps["runtimeTarget"]["name"]
    targets = deps["targets"][runtime_target]
    pack = next(entry for key, entry in targets.items() if key.startswith(f"runtimepack.{FRAMEWORK}.Runtime."))
    name = f"{FRAMEWORK}.Runtime.linux-x64/{version}"
    return {
        "runtimeTarget": {"name": runtime_target, "signature": ""},
        "compilationOptions": {},
        "targets": {runtime_target.split("/")[0]: {}, runtime_target: {name: pack}},
        "libraries": {name: {"type": "package", "serviceable": False, "sha512": ""}},
    }


def layout() -> Path:
    """The runtime laid out as a shared framework, built on first use; returns the app folder."""
    root = Path(sys.prefix) / "openxml-validator" / importlib.metadata.version(WHEEL)
    app = root / "app"
    with FileLock(str(root) + ".lock"):
        if (app / "validator.runtimeconfig.json").is_file():
            return app
        shutil.rmtree(root, ignore_errors=True)
        unpacked = root / "unpacked"
        with tarfile.open(_archive()) as archive:
            archive.extractall(unpacked, filter="data")
        version = _runtime_version(unpacked)
        fxr = root / "host" / "fxr" / version
        framework = root / "shared" / FRAMEWORK / version
        for folder in (fxr, framework, app):
            folder.mkdir(parents=True)
        for item in unpacked.iterdir():
            if item.name == "libhostfxr.so":
                item.rename(fxr / item.name)
            elif item.name in SDK_FILES:
                item.rename(app / item.name)
            elif not item.name.startswith(NOT_RUNTIME):
                item.rename(framework / item.name)
        (framework / f"{FRAMEWORK}.deps.json").write_text(json.dumps(_framework_deps(unpacked, version), indent=1))
        shutil.rmtree(unpacked)
        config = {
            "runtimeOptions": {
                "tfm": "net" + ".".join(version.split(".")[:2]),
                "framework": {"name": FRAMEWORK, "version": version},
                "configProperties": {"System.Globalization.Invariant": True},
            }
        }
        (app / "validator.runtimeconfig.json").write_text(json.dumps(config))
    return app


class Validator:
    """The SDK's validator for the newest file format (Microsoft 365), started once per process."""

    def __init__(self) -> None:
        app = layout()
        from clr_loader import get_coreclr
        from pythonnet import set_runtime

        set_runtime(get_coreclr(runtime_config=str(app / "validator.runtimeconfig.json"), dotnet_root=str(app.parent)))
        clr: Any = importlib.import_module("clr")
        for name in SDK_FILES:
            clr.AddReference(str(app / name))
        packaging: Any = importlib.import_module("DocumentFormat.OpenXml.Packaging")
        validation: Any = importlib.import_module("DocumentFormat.OpenXml.Validation")
        openxml: Any = importlib.import_module("DocumentFormat.OpenXml")
        self._open = packaging.SpreadsheetDocument.Open
        self._validator = validation.OpenXmlValidator(openxml.FileFormatVersions.Microsoft365)
        self._validator.MaxNumberOfErrors = 200

    def validate(self, path: Path) -> list[Finding]:
        """Every error the SDK finds in the workbook at ``path`` (a package it cannot open is one finding)."""
        try:
            document = self._open(str(path), False)
        except Exception as exc:  # the SDK refuses the package itself (System.* exceptions)
            return [_unopenable(exc)]
        try:
            return [
                Finding(
                    str(error.Part.Uri) if error.Part is not None else "/",
                    str(error.Path.XPath) if error.Path is not None else "",
                    str(error.Id),
                    str(error.Description),
                )
                for error in self._validator.Validate(document)
            ]
        except Exception as exc:  # a part it loads only while validating (a wrong content type) stops it
            return [_unopenable(exc)]
        finally:
            document.Dispose()


def _unopenable(exc: Exception) -> Finding:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.strip().startswith("at ")]
    return Finding("/", "", UNOPENABLE, f"{type(exc).__name__}: {' '.join(lines)}")


@cache
def validator() -> Validator:
    """The process's one validator (.NET can be started only once in a process)."""
    return Validator()
