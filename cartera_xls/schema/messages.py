"""Every sentence the team reads: problems, errors and command line output.

Templates use ``str.format`` fields; the code that fills them never adds words.
"""

from __future__ import annotations

from typing import NamedTuple


class Template(NamedTuple):
    """A problem as Revisar says it: what is wrong (``message``), what to do (``hint``), and its stable ``code``.

    The code names the kind of problem whatever the wording, so a notebook can
    filter ``cartera.revisar`` by ``codigo`` without matching translated text.
    """

    message: str
    hint: str
    code: str


# --- Problems found in the data (rows of the Revisar sheet) -----------------
# Each entry: what is wrong, what to do, and its code (a Template).
MISSING_REQUIRED = Template(
    "Falta el dato obligatorio «{column}».",
    "Complete la celda; la fila se conserva pero no se usa en los cálculos.",
    code="missing-required",
)
BAD_DATE = Template("«{value}» no es una fecha reconocible.", "Escriba la fecha como dd/mm/aaaa, por ejemplo 05/03/2024.", code="bad-date")
ACTION_DATE_UNREADABLE = Template(
    "«{value}» no es una fecha reconocible: la acción «{action}» no está en la Agenda ni en el Semáforo hasta que se corrija.",
    "Escriba la fecha como dd/mm/aaaa, por ejemplo 05/03/2024.",
    code="action-date-unreadable",
)
TEXT_DATE = Template(
    "«{value}» es texto, no una fecha: se lee como {date} y la celda se conserva tal cual.",
    "Para que Excel la ordene y filtre como fecha, vuelva a escribirla en la celda (o use Datos › Texto en columnas).",
    code="text-date",
)
BAD_NUMBER = Template("«{value}» no es un número reconocible.", "Escriba solo el número, por ejemplo 1.234,56.", code="bad-number")
BAD_INTEGER = Template("«{value}» no es un número entero.", "Escriba un número entero, por ejemplo 4.", code="bad-integer")
BAD_BOOL = Template("«{value}» no es sí ni no.", "Escriba «sí» o «no».", code="bad-bool")
BAD_PERCENT = Template(
    "«{value}» no es una probabilidad reconocible.",
    "Escriba un porcentaje (70%), un valor entre 0 y 1 (0,7) o alta/media/baja.",
    code="bad-percent",
)
BAD_CHOICE = Template("«{value}» no es un valor de la lista.", "Use uno de: {choices}.", code="bad-choice")
OUT_OF_RANGE = Template(
    "{value} está fuera del rango {minimum}–{maximum}.", "Escriba un valor entre {minimum} y {maximum}.", code="out-of-range"
)
EXCEL_ERROR = Template(
    "La celda contiene el error de Excel {value}.", "Corrija la fórmula en Excel o escriba el valor a mano.", code="excel-error"
)
IN_CELL_PICTURE = Template(
    "La celda tiene una imagen dentro (u otro dato enriquecido de Excel), no un valor: se conserva tal cual y no cuenta.",
    "Si ahí va un dato, escríbalo; ponga la imagen en una columna propia.",
    code="in-cell-picture",
)
FORMULA_WITHOUT_VALUE = Template(
    "{count} celda(s) con fórmula aún sin valor calculado (filas {rows}): se conservan, pero no cuentan en los cálculos.",
    "Abra y guarde el libro en Excel o LibreOffice para calcular las fórmulas, y vuelva a actualizar.",
    code="formula-without-value",
)
CLIENT_LABEL = "{id} · {name}"  # a client named in Revisar, on the terminal and in the Cliente lists
DUPLICATE_ID = Template(
    "El ID «{value}» está repetido: también lo tiene «{other_name}» (fila {other}).",
    "Dé un ID distinto a cada cliente o borre la fila duplicada.",
    code="duplicate-id",
)
UNKNOWN_CLIENT = Template(
    "El cliente «{value}» no existe en la hoja Clientes.",
    "Escriba el ID o el nombre exacto de un cliente, o dé de alta al cliente.",
    code="unknown-client",
)
UNKNOWN_CLIENT_NEAR = Template(
    "El cliente «{value}» no existe en la hoja Clientes. ¿Quiso decir {suggestion}?",
    "Si es ese cliente, escriba su ID o su nombre exacto; la herramienta no lo corrige sola. Si no, dé de alta al cliente.",
    code="unknown-client-near",
)
REFERRER_NEAR = Template(
    "«{value}» no es el nombre exacto de ningún cliente: no cuenta en los referidos. ¿Quiso decir {suggestion}?",
    "Si es ese cliente, escriba su ID o su nombre exacto en «{column}».",
    code="referrer-near",
)
SALESPERSON_NEAR = Template(
    "«{value}» ({count}) se parece a «{suggestion}» ({other_count}): ¿es la misma persona?",
    "Si lo es, escríbalo «{suggestion}»; si es otra persona, no hace falta hacer nada.",
    code="salesperson-near",
)
PRODUCT_NEAR = Template(
    "«{value}» ({count}) no está en la lista de productos del equipo. ¿Quiso decir {suggestion}?",
    "Si es ese producto, escríbalo igual que en la lista, para que las cifras por producto lo junten.",
    code="product-near",
)
REFERENCE_TO_TWIN = Template(
    "«{value}» puede ser de {clients} (parecen el mismo cliente): se cuenta para «{chosen}».",
    "Escriba el ID del cliente que corresponde; si son el mismo cliente, deje uno solo en Clientes.",
    code="reference-to-twin",
)
SUGGESTION_OR = " o "  # between two suggested clients: «C0002 · Ferretería López S.L.» o «C0010 · Ferreteria Lopez»
BAD_EMAIL = Template(
    "«{value}» no es una dirección de email válida.",
    "Corríjala: una sola @ y, después, un dominio con punto (nombre@empresa.com).",
    code="bad-email",
)
CURRENCY_MISMATCH = Template(
    "Reglas dice que la moneda es «{value}», pero los importes de {sales} muestran «{found}»: los importes llevan «{value}».",
    "Si la moneda del equipo es «{found}», escríbala en Valor; si es «{value}», cambie el formato de los importes de {sales}.",
    code="currency-mismatch",
)
CURRENCY_MIXED = Template(
    "Este importe se ve en «{value}» y los demás de {sales} en «{found}»: se suma como si fuera «{found}».",
    "Conviértalo a «{found}» y cambie el formato de la celda, o anótelo aparte si es de otra moneda.",
    code="currency-mixed",
)
SHORT_PHONE = Template(
    "El teléfono «{value}» tiene solo {digits} dígitos: no se puede marcar.",
    "Revise el número (¿falta un dígito?) y escríbalo completo, con su código de área si lo tiene.",
    code="short-phone",
)
SALE_AFTER_HOY = Template(
    "La venta es del {value}, después de la fecha de cálculo ({hoy}): no entra en ninguna cifra.",
    "Si el año está mal escrito, corríjalo; si es una venta futura, contará cuando llegue su fecha.",
    code="sale-after-hoy",
)
DATE_BEFORE_BUSINESS = Template(
    "La fecha {value} es anterior a {year}, el año más antiguo posible según Reglas («anio_minimo»).",
    "Corrija el año; si la fecha es correcta, baje «anio_minimo» en Reglas.",
    code="date-before-business",
)
DATE_FAR_AHEAD = Template(
    "La fecha {value} está más de {years} años después de la fecha de cálculo ({hoy}).",
    "Corrija el año; si la fecha es correcta, suba «anios_futuro» en Reglas.",
    code="date-far-ahead",
)
SALESPERSON_SPELLING = Template(
    "«{value}» es «{canonical}» escrito de otra forma ({count} así): se cuenta como «{canonical}».",
    "Escríbalo «{canonical}», como en la mayoría de las filas; el desplegable de Vendedor solo ofrece esa forma.",
    code="salesperson-spelling",
)
AMBIGUOUS_CLIENT = Template(
    "«{value}» coincide con varios clientes (filas {rows}).", "Escriba el ID del cliente en lugar del nombre.", code="ambiguous-client"
)
ROW_SAID = "{count} fila"  # how many rows a spelling is on: one
ROWS_SAID = "{count} filas"  # several
GROUPED_PROBLEM = "En {count} filas ({rows}). Por ejemplo: {example}"
CLIENTS_FROM_SALES = Template(
    "El libro no tenía hoja Clientes: se creó con un cliente por cada cliente distinto de «{source}».",
    "Complete sus datos (teléfono, email, vendedor…) en la hoja Clientes; la próxima actualización los usa.",
    code="clients-from-sales",
)
READ_BY_CONTENT = Template(
    "La hoja se leyó como {role} por sus columnas ({columns}).",
    "Si no es así, cámbiele el nombre o las columnas.",
    code="read-by-content",
)
SHEET_CHOSEN = Template(
    "La hoja también parece {role}; se usó «{chosen}», que tiene más columnas reconocidas ({count}) o más filas.",
    "Si la de {role} es esta, llámela «{role}» y actualice otra vez; esta se conserva tal cual.",
    code="sheet-chosen",
)
SHEET_SAME_ROLE = Template(
    "Por su nombre esta hoja también es de {role}, pero se leyó «{chosen}»: sus filas se conservan y no cuentan en los cálculos.",
    "Pase sus filas a «{chosen}» (una sola hoja de {role} con todos los años) y actualice otra vez.",
    code="sheet-same-role",
)
TABLE_GROWN = Template(
    "Las filas {rows} están escritas debajo de la tabla «{table}»: se leen como datos y la tabla se amplió hasta la fila {last} para incluirlas.",
    "Nada que hacer: así las fórmulas del equipo que usan la tabla también las cuentan. (LibreOffice y Google Sheets no amplían la tabla al escribir debajo; Excel sí.)",
    code="table-grown",
)
AMOUNT_FROM_PRICE = Template(
    "Sin columna Importe: se calcula Cantidad × Precio unitario, escrito como fórmula en la columna «{column}».",
    "No hace falta hacer nada; puede cambiar la fórmula si el importe se calcula de otro modo.",
    code="amount-from-price",
)
CREDIT_LINE = Template(
    "Línea de abono (factura «C…» o cantidad negativa): cuenta como nota de crédito, con importe negativo.",
    "No hace falta hacer nada si es una devolución o anulación.",
    code="credit-line",
)
BOUGHT_AFTER_CHURN = Template(
    "Compró después de su baja: ¿reactivado? (última compra el {last}).",
    "Se trata como reactivado. Si volvió, borre la Fecha de baja; si no, revise la venta en Ventas.",
    code="bought-after-churn",
)
SAME_NAME = Template(
    "Otro cliente se llama igual: «{other_client}» (fila {other}), en otra empresa. En las demás hojas, «{value}» no dice cuál de los dos es.",
    "En Ventas, Seguimiento y las demás hojas escriba el ID del cliente, no su nombre; o distinga los nombres en Clientes.",
    code="same-name",
)
SUSPECTED_DUPLICATE = Template(
    "Parece el mismo cliente que «{other_client}» (fila {other}): {reason}.",
    "Revise si es el mismo cliente; la herramienta nunca los fusiona.",
    code="suspected-duplicate",
)
DUPLICATE_REASON_TAX_ID = "misma identificación fiscal"
DUPLICATE_REASON_EMAIL = "mismo email"
DUPLICATE_REASON_PHONE = "mismo teléfono"
DUPLICATE_REASON_NAME = "nombre casi idéntico"
DUPLICATE_COLUMN = Template(
    "La columna «{column}» aparece dos veces.",
    "Se conserva como columna propia; cambie el título de una de las dos.",
    code="duplicate-column",
)
MISSING_COLUMN = Template(
    "Falta la columna obligatoria «{column}»; la hoja se conserva tal cual pero no se usa.",
    "Añada la columna «{column}» en la fila de títulos.",
    code="missing-column",
)
RESERVED_SHEET = Template(
    "La hoja «{value}» tiene el nombre de una hoja que genera la herramienta.",
    "Se conserva como «{renamed}»; cámbiele el nombre si quiere.",
    code="reserved-sheet",
)
SHEET_LIKE_GENERATED = Template(
    "La hoja «{value}» se parece a «{generated}», que genera la herramienta, pero es del equipo.",
    "Se conserva tal cual; la herramienta escribe la suya como «{generated}».",
    code="sheet-like-generated",
)
COMPUTED_RENAMED = Template(
    "La columna «{value}» era la columna calculada «{label}» y se le cambió el título: ya no se actualiza, sus valores son de la última vez que lo hizo.",
    "La herramienta escribe «{label}» al día al final de la hoja; use esa. Si ya no necesita «{value}», bórrela; si quiere la calculada en este lugar, borre «{label}» del final y devuélvale a esta el título «{label}».",
    code="computed-renamed",
)
RESERVED_COLUMN = Template(
    "La columna «{value}» es del equipo y se llama como una que calcula la herramienta.",
    "Se conserva tal cual; la calculada se escribe al final como «{renamed}».",
    code="reserved-column",
)
UNTITLED_COLUMN = Template(
    "La columna {column} tiene datos pero no tiene título.",
    "Escriba un título en la fila de títulos; mientras tanto la hoja se escribe sin tabla de Excel, con filtros.",
    code="untitled-column",
)
REPEATED_HEADER = Template(
    "La fila repite los títulos de la hoja: no se lee como un dato.",
    "Bórrela si se pegó por error; se conserva tal cual.",
    code="repeated-header",
)
BAD_PARAMETER = Template(
    "El valor «{value}» no sirve para el parámetro «{parameter}».",
    "Se usa el valor por omisión {default}. {allowed}",
    code="bad-parameter",
)
ALLOWED_VALUES = "Valores posibles: {choices}."
ALLOWED_RANGE = "Admite un número de {minimum} a {maximum}."
ALLOWED_WHOLE_RANGE = "Admite un número entero de {minimum} a {maximum}."
UNKNOWN_PARAMETER = Template(
    "El parámetro «{value}» no se conoce.", "Se conserva la fila; revise cómo está escrito.", code="unknown-parameter"
)
ID_ASSIGNED = Template(
    "Cliente sin ID: se le asignó «{value}».", "No hace falta hacer nada; el ID queda escrito en la hoja.", code="id-assigned"
)

SEVERITY_ERROR = "error"
SEVERITY_WARNING = "aviso"
SEVERITY_INFO = "info"

# --- Fatal errors (the command stops, nothing is written) --------------------
FILE_NOT_FOUND = "No se encuentra el archivo «{path}». Revise el nombre y la carpeta."
NOT_A_WORKBOOK = "«{path}» no es un libro de Excel ni de LibreOffice. Ábralo y guárdelo como .xlsx."
UNSUPPORTED_FORMAT = "«{path}» tiene un formato que no se puede leer ({suffix}). Guárdelo como .xlsx, .xlsm, .xls, .xlsb u .ods."
PASSWORD_PROTECTED = "«{path}» está protegido con contraseña. Quite la contraseña en Excel (Archivo > Información) y vuelva a intentarlo."
CORRUPT_WORKBOOK = "No se pudo leer «{path}»: el archivo está dañado o incompleto ({detail}). Recupere una copia de respaldo."
HOSTILE_XML = "contiene declaraciones XML no permitidas, típicas de un archivo malicioso"
MISSING_CLIENTS_SHEET = (
    "El libro no tiene una hoja «Clientes» ni una de ventas. Se buscó una hoja de clientes (con la columna Nombre) o una de "
    "ventas (con Fecha, Cliente e Importe, o Cantidad y Precio unitario). Cree una hoja Clientes con al menos la columna "
    "Nombre, o use «init» para empezar de una plantilla."
)
NO_SALES_IN_FILE = "«{path}» no tiene una hoja de ventas: se buscó una con Fecha, Cliente e Importe (o Cantidad y Precio unitario)."
SALES_TWICE = (
    "«{path}» ya tiene su hoja de ventas («{sheet}»): --ventas es para un libro que no la tiene. "
    "Copie las filas nuevas a esa hoja, o quítela y vuelva a intentarlo."
)
CLI_SALES_HELP = "libro o CSV de ventas aparte (por ejemplo, la exportación de facturación) que se lee junto con el archivo"
SHEET_COLUMNS = "En «{sheet}» hay: {columns}."
NO_COLUMNS = "ninguna columna con título"
MISSING_CLIENTS_COLUMN = "La hoja «{sheet}» no tiene la columna obligatoria «{column}» en sus títulos. Añádala y vuelva a intentarlo."
OPEN_IN_EXCEL = "«{path}» está abierto en {app}{who}. Ciérrelo y vuelva a intentarlo; no se ha modificado nada."
OPEN_BY = " por {user}"
FILE_EXISTS = "«{path}» ya existe; no se sobrescribe. Elija otro nombre o bórrelo antes."
CANNOT_WRITE = "No se pudo escribir «{path}»: {detail}. El archivo original no se ha modificado."
NO_SUCH_FOLDER = "la carpeta «{folder}» no existe"
NOT_EXACT_XML = (
    "la hoja «{sheet}» guarda su XML de una forma que la herramienta no puede leer con exactitud ({detail}); "
    "ábrala en Excel o LibreOffice, guárdela y actualice otra vez"
)
WRITE_CHECK_HINT = "la comprobación del libro escrito falló; guarde una copia del libro y avise a quien mantiene la herramienta"
REPLACE_REFUSED = "otro programa lo tiene abierto (¿Excel?); cierre el libro en Excel y vuelva a actualizar"
OUTPUT_FORMAT = "el libro regenerado solo se escribe como .xlsx, no como {suffix}; use un nombre terminado en .xlsx"
IS_A_FOLDER = "«{path}» es una carpeta; indique el archivo del libro, por ejemplo «{path}/cartera.xlsx»."
# Why the disk refused, by errno name; other causes are shown as the system says them.
OS_ERRORS = {
    "ENOSPC": "no queda espacio en el disco",
    "EDQUOT": "se acabó la cuota de disco",
    "EACCES": "no hay permiso para escribir en esa carpeta",
    "EPERM": "no hay permiso para escribir en esa carpeta",
    "EROFS": "la carpeta es de solo lectura",
    "ENOENT": "la carpeta no existe",
    "EISDIR": "es una carpeta, no un archivo",
    "EBUSY": "otro programa lo tiene abierto; cierre el libro en Excel y vuelva a actualizar",
    "ENAMETOOLONG": "el nombre es demasiado largo",
}
CANNOT_CARRY = (
    "«{path}» tiene contenido que el libro regenerado no puede conservar: {what}. No se ha modificado nada. "
    "Use «-o otro_archivo.xlsx» para escribir aparte, o «--forzar» para reemplazarlo igualmente "
    "(el original queda en la carpeta «respaldos»)."
)
CONTENT_MACROS = "macros"
CONTENT_PIVOTS = "tablas dinámicas"
CONTENT_CHARTS = "gráficos"
CONTENT_IMAGES = "imágenes"
CONTENT_COMMENTS = "comentarios"
CONTENT_IN_SHEET = "{what} en la hoja «{sheet}»"
CONTENT_SLICERS = "segmentaciones de datos y escalas de tiempo"
CONTENT_TIMELINES = "escalas de tiempo"
CONTENT_DATA_MODEL = "el modelo de datos (Power Pivot)"
CONTENT_QUERIES = "consultas a datos externos"
CONTENT_PART = "una parte del libro que la herramienta no conoce («{part}»)"
CHANGED_ON_DISK = "«{path}» cambió mientras se actualizaba (¿alguien lo guardó?). No se ha reemplazado; vuelva a ejecutar la actualización."
REFRESH_RUNNING = "Ya hay otra actualización de «{path}» en curso. Espere a que termine y vuelva a intentarlo."
CONFLICTED_COPY = Template(
    "Dropbox dejó una copia en conflicto junto al libro: «{value}».",
    "Revísela y copie a mano lo que falte; la herramienta no la fusiona ni la borra.",
    code="conflicted-copy",
)
MERGE_CONFLICT = Template(
    "Cambiado en los dos lados: «{value}» en el libro y «{theirs}» en la copia en conflicto de {who} ({date}). Se conserva el del libro.",
    "Decida cuál vale y escríbalo; la copia quedó en la carpeta «respaldos».",
    code="merge-conflict",
)
MERGE_DIFFERS = Template(
    "«{value}» en el libro y «{theirs}» en la copia en conflicto de {who} ({date}); sin la versión anterior no se sabe cuál es "
    "la nueva. Se conserva el del libro.",
    "Decida cuál vale y escríbalo; la copia quedó en la carpeta «respaldos».",
    code="merge-differs",
)
MERGE_FILLED = Template(
    "Completado con «{value}» de la copia en conflicto de {who} ({date}): en el libro estaba vacío.",
    "Compruebe que es correcto.",
    code="merge-filled",
)
MERGE_DELETED_THERE = Template(
    "Esta fila se borró en la copia en conflicto de {who} ({date}) y se cambió en el libro: se conserva.",
    "Si sobra, bórrela a mano.",
    code="merge-deleted-there",
)
REPEATED_SALE = Template(
    "Esta línea repite exactamente la de la fila {other} (fecha, cliente, producto, importe…): la venta se cuenta dos veces.",
    "Si es la misma venta, borre una de las dos; si son dos ventas, distíngalas (por ejemplo, con su número de factura).",
    code="repeated-sale",
)
MERGE_COLUMN_ADDED = Template(
    "La copia en conflicto de {who} ({date}) añadió la columna «{value}»{where}: se añadió con sus valores ({count}) en la "
    "columna {letter}, tras las del libro.",
    "Si la quiere en otro sitio, corte la columna entera y péguela donde vaya.",
    code="merge-column-added",
)
MERGE_COLUMN_AFTER = " tras «{column}»"
MERGE_NOTE_NOT_TAKEN = Template(
    "La copia en conflicto de {who} ({date}) añadió una nota en esta celda que no se copió al libro: «{value}».",
    "Si hace falta, añádala de nuevo (clic derecho › Nueva nota); la copia quedó en la carpeta «respaldos».",
    code="merge-note-not-taken",
)
MERGE_DELETED = Template(
    "Se borró en la copia en conflicto de {who} ({date}) y el libro no la había cambiado: se borró también aquí (la fila "
    "queda vacía). Decía: {value}.",
    "Si hacía falta, vuelva a escribirla; el libro de antes y la copia quedaron en la carpeta «respaldos».",
    code="merge-deleted",
)
MERGE_DELETED_HERE = Template(
    "Esta fila se había borrado del libro, pero la copia en conflicto de {who} ({date}) la cambió: se añadió de nuevo.",
    "Si sobra, bórrela a mano.",
    code="merge-deleted-here",
)
MERGE_SHEET = Template(
    "La copia en conflicto de {who} ({date}) cambió la hoja «{value}»: su versión está en esta hoja, al lado de la del libro.",
    "Compare las dos, pase a la del libro lo que valga y borre esta.",
    code="merge-sheet",
)
MERGE_SHEET_TAKEN = Template(
    "La copia en conflicto de {who} ({date}) cambió {count} celdas de esta hoja y el libro no: se tomaron sus valores.",
    "Compruébelas; el libro de antes quedó en la carpeta «respaldos».",
    code="merge-sheet-taken",
)
MERGE_SHEET_ADDED = Template(
    "La copia en conflicto de {who} ({date}) añadió la hoja «{value}»: se conserva.",
    "Si sobra, bórrela.",
    code="merge-sheet-added",
)
MERGE_SHEET_NAME = "{name} ({who})"  # the copy's version of a team sheet, beside the workbook's
MERGE_UNKNOWN_WHO = "alguien"
MERGE_UNKNOWN_DATE = "fecha desconocida"
CLI_MERGED = (
    "Fusionada la copia en conflicto de {who} ({date}): {rows}, {cells}, {conflicts} en conflicto (en Revisar){how}. "
    "La copia pasa a «respaldos»."
)
CLI_WOULD_MERGE = "Hay una copia en conflicto de {who} ({date}); al actualizar se fusionarán: {rows}, {cells}; {conflicts} en conflicto (en Revisar){how}."
MERGED_ROWS = ("{count} fila nueva", "{count} filas nuevas")  # (one, several)
MERGED_CELLS = ("{count} celda cambiada", "{count} celdas cambiadas")
MERGED_DELETED = ("{count} fila borrada", "{count} filas borradas")  # said after the new rows, only when some
CLI_MERGED_TWO_WAY = ", sin la versión anterior: cada diferencia va a Revisar"
BAD_DATE_ARGUMENT = "La fecha «{value}» no es válida. Escríbala como dd/mm/aaaa (25/11/2026) o aaaa-mm-dd (2026-11-25)."
DATE_OUT_OF_RANGE = "La fecha «{value}» está fuera del intervalo que se puede calcular ({first} a {last})."

# --- Command line -----------------------------------------------------------
CLI_DESCRIPTION = "Cartera de clientes en Excel: clasifica, da seguimiento y regenera el libro."
CLI_REFRESH_HELP = "Lee el libro, aplica las reglas y lo vuelve a escribir (guarda un respaldo)."
CLI_VALIDATE_HELP = "Solo revisa el libro y lista los problemas (sale con 1 si hay alguno)."
CLI_INIT_HELP = "Crea un libro vacío con todas las hojas, títulos, listas e instrucciones."
CLI_DEMO_HELP = "Escribe una cartera de ejemplo, la actualiza y dice dónde está."
CLI_FILE_HELP = "el libro de la cartera (.xlsx, .xlsm, .xls, .xlsb, .ods) o una exportación de ventas (.csv)"
CLI_OUTPUT_HELP = "escribir el resultado en otro archivo en lugar de reemplazar el original"
CLI_HOY_HELP = "fecha de referencia de las reglas, dd/mm/aaaa o aaaa-mm-dd (por omisión, hoy)"
CLI_NEW_FILE_HELP = "el libro nuevo que se va a crear"
CLI_DEMO_DIR_HELP = "carpeta donde dejar la cartera de ejemplo (por omisión, la actual)"
CLI_WRITTEN = "Escrito: {path}"
CLI_BACKUP = "Respaldo del original: {path}"
CLI_REPLACED_OTHER = "«{written}» ya existía y se reemplazó; su copia quedó en {path}"
ICS_ON_WORKBOOK = (
    "«{path}» es un libro de cálculo: la agenda se exporta a un archivo .ics aparte. Elija otro nombre, por ejemplo agenda.ics."
)
ICS_NO_FOLDER = "No se puede exportar la agenda: la carpeta «{path}» no existe. Créela o elija otra con --ics; el libro no se ha tocado."
ICS_NOT_WRITABLE = "No se puede exportar la agenda en «{path}»: {detail}. Elija otra carpeta con --ics; el libro no se ha tocado."
ICS_IS_FOLDER_DETAIL = "es una carpeta"
ICS_READ_ONLY_DETAIL = "no se puede escribir en ella"
ICS_TEAM_FILE = "agenda.ics"  # every action, in a folder given to --ics
ICS_SALESPERSON_FILE = "agenda - {name}.ics"  # one salesperson's actions
CLI_SUMMARY_CLIENTS = "Clientes: {total}"
CLI_SUMMARY_PROBLEMS = "Problemas para revisar: {count} (hoja «Revisar»)"
CLI_NO_PROBLEMS = "Sin problemas: el libro está en orden."
CLI_PROBLEM_LINE = "  {where}: {message} {hint}"
CLI_WHERE_ROW = "fila {row}"
CLI_WHERE_COLUMN = "columna «{column}»"
CLI_WHERE_CLIENT = "«{client}»"
CLI_MORE_PROBLEMS = "  … y {count} más en la hoja «Revisar»."
CLI_TEMPLATE_WRITTEN = "Plantilla creada: {path}. Ábrala, escriba sus clientes y luego ejecute «refresh»."
CLI_DEMO_WRITTEN = "Cartera de ejemplo actualizada: {path}. Ábrala con doble clic."
CLI_INTERRUPTED = "Interrumpido; el archivo original no se ha modificado."
CLI_FORCE_HELP = "reemplazar el libro aunque tenga contenido que no se puede conservar (gráficos, macros…); queda un respaldo"
CLI_UNEXPECTED = "Error inesperado: {detail}. El archivo original no se ha modificado; avise al equipo técnico."

# --- The Instrucciones sheet ---------------------------------------------------
INSTRUCTIONS_TITLE = "Cómo usar este libro"
INSTRUCTIONS = (
    "Este libro es la cartera de clientes del equipo. Escriba en las hojas de datos; la herramienta hace el resto.",
    "",
    "Hojas de datos (las que escribe el equipo):",
    "• Clientes: un cliente o prospecto por fila. Solo el Nombre es obligatorio; el ID se asigna solo si lo deja vacío.",
    "• Ventas: una línea de factura por fila. Cliente puede ser el ID o el nombre exacto. Un importe negativo es una nota de crédito.",
    "• Seguimiento: cada llamada, visita, email, muestra o encuesta. Anote la próxima acción y su fecha (y su hora, si la tiene).",
    "  «Esperamos respuesta del cliente» = sí: le toca al cliente (verde). «El cliente espera nuestra respuesta» = sí: nos toca (amarillo).",
    "• Oportunidades, Encuestas y Reclamos: opcionales; si están, sus indicadores aparecen solos.",
    "• Reglas: los umbrales de las reglas (días, porcentajes, día de seguimiento, feriados, moneda). Cambie el Valor y actualice.",
    "",
    "Columnas grises: las calcula la herramienta (Estado, Semáforo, Motivo, Próximo contacto…). No las edite: se recalculan.",
    "«12 meses» es lo mismo en todo el libro: los 365 días hasta la fecha de la actualización, ese día incluido.",
    "Semáforo: rojo = es para hoy o ya venció; amarillo = llega en los próximos días; verde = esperamos que diga si le interesa;",
    "sin alerta = nada pendiente por ahora; gris = cliente perdido. El Motivo enumera cada acción pendiente, la más urgente primero.",
    "Un recordatorio que pasa sin un contacto anotado en Seguimiento queda en su fecha y se pone en rojo: anote cada contacto.",
    "Puede añadir columnas y hojas propias, y ordenar las hojas a su gusto: se conservan tal cual.",
    "Una fila de totales (la de la tabla de Excel, o una línea «Total» debajo de los datos) es del equipo: no es un cliente ni una venta.",
    "Si cambia el título de una columna gris, deja de actualizarse.",
    "Las tablas del Resumen están siempre en el mismo lugar y tienen nombre (Resumen_12meses, Resumen_indicadores…): úselos en sus fórmulas.",
    "",
    "Para actualizar: guarde y cierre este libro y haga doble clic en «Actualizar …», junto a él en la misma carpeta.",
    "  Windows: Actualizar ….bat · Mac: Actualizar ….command · Linux: Actualizar ….desktop. Vuelva a abrir el libro al terminar.",
    "  En una terminal: cartera-xls refresh este_archivo.xlsx",
    "Antes de reemplazar el archivo se guarda una copia en la carpeta «respaldos».",
    "Los problemas encontrados (fechas ilegibles, clientes inexistentes, posibles duplicados) están en la hoja Revisar.",
    "Cada celda que Revisar señala se ve en naranja en su hoja; al corregirla, la próxima actualización le quita el color.",
    "Si Dropbox deja una «copia en conflicto» de este libro, la próxima actualización la fusiona y la pasa a «respaldos».",
    "Lo que no pueda decidir sola va a Revisar.",
)

# --- Why a client has its colour (the Motivo column) -----------------------------
# Every pending action of a client is one reason; the Motivo lists them all, most urgent first.
REASON_LOST = "Cliente perdido: fuera del seguimiento."
REASON_COMMITTED = "Acción comprometida para el {date}: {action}."
REASON_COMMITTED_OVERDUE = "Vencida desde el {date}: {action}."
REASON_COMPLAINT = "Reclamo abierto desde el {date}."
REASON_KEY_INACTIVE = "Cliente {who} inactivo: {days} días sin comprar."
REASON_KEY_A = "clase A"
REASON_KEY_HIGH = "de volumen alto"
REASON_HOT_PROSPECT = "Prospecto con probabilidad {probability}: {since}."
REASON_NEVER = "nunca contactado"
REASON_SINCE = "sin contacto hace {days} días"
REASON_REPURCHASE = "Recompra esperada el {date}: avisar el {due}."
REASON_REPURCHASE_OVERDUE = "Vencido desde el {due}: aviso de recompra (esperada el {date})."
REASON_NO_CONTACT = "Contacto periódico el {due} (último contacto el {date})."
REASON_NO_CONTACT_OVERDUE = "Vencido desde el {due}: sin contacto desde el {date}."
REASON_AFTER_PURCHASE = "Contacto periódico el {due} (última compra el {date})."
REASON_AFTER_PURCHASE_OVERDUE = "Vencido desde el {due}: sin contacto desde la compra del {date}."
REASON_AFTER_SIGNUP = "Contacto periódico el {due} (alta el {date})."
REASON_SINCE_LOGGING = "Contacto periódico el {due} (Seguimiento anota contactos desde el {date})."
REASON_SINCE_LOGGING_OVERDUE = "Vencido desde el {due}: sin contacto anotado desde que Seguimiento empezó, el {date}."
REASON_AFTER_SIGNUP_OVERDUE = "Vencido desde el {due}: sin contacto desde el alta del {date}."
REASON_WAITING = "Esperando que diga si le interesa (desde el {date}); recordar el {due} si no contesta."
REASON_WAITING_LONG = "Sin respuesta desde el {date}: recordarle el {due}."
REASON_WAITING_OVERDUE = "Vencido desde el {due}: sin respuesta desde el {date}."
REASON_OWED = "Espera nuestra respuesta desde el {date}: responderle a más tardar el {due}."
REASON_OWED_OVERDUE = "Vencido desde el {due}: espera nuestra respuesta desde el {date}."
# The same, on the day the action is due: red as well («rojo = es para hoy o ya venció»), but not yet late.
REASON_COMMITTED_TODAY = "Para hoy: {action}."
REASON_REPURCHASE_TODAY = "Para hoy: aviso de recompra (esperada el {date})."
REASON_NO_CONTACT_TODAY = "Para hoy: contacto periódico (último contacto el {date})."
REASON_AFTER_PURCHASE_TODAY = "Para hoy: contacto periódico (última compra el {date})."
REASON_AFTER_SIGNUP_TODAY = "Para hoy: contacto periódico (alta el {date})."
REASON_SINCE_LOGGING_TODAY = "Para hoy: contacto periódico (Seguimiento anota contactos desde el {date})."
REASON_WAITING_TODAY = "Para hoy: recordarle (sin respuesta desde el {date})."
REASON_OWED_TODAY = "Para hoy: responderle (espera nuestra respuesta desde el {date})."
REASON_NOTHING = "Nada pendiente."
REASON_DAY_OFF = " Ojo: cae en {day}."  # after an action ahead the team dated on a holiday or a Sunday
HOLIDAY = "feriado"
NO_ACTION_TEXT = "acción sin describir"
MORE_PRODUCTS = " y {count} más"

# --- Suggested action when the team committed none (the Acción sugerida column) -
# (call, visit): a client who does not buy on their own initiative is visited (seed 003).
ACTION_COMPLAINT = ("Resolver el reclamo y llamar al cliente", "Resolver el reclamo y visitar al cliente")
ACTION_KEY_INACTIVE = ("Visitar: cliente importante que dejó de comprar", "Visitar: cliente importante que dejó de comprar")
ACTION_HOT_PROSPECT = ("Llamar al prospecto y proponer una reunión", "Visitar al prospecto y presentarle la propuesta")
ACTION_REPURCHASE = ("Llamar para la reposición", "Visitar para la reposición")
ACTION_NO_CONTACT = ("Llamar para mantener el contacto", "Visitar para mantener el contacto")
ACTION_WAITING_LONG = ("Recordarle la propuesta pendiente", "Visitarle para recordarle la propuesta")
ACTION_WAITING = ("Esperar su respuesta", "Esperar su respuesta")
ACTION_OWED = ("Enviarle la respuesta o cotización pendiente", "Visitarle con la respuesta o cotización pendiente")

# --- Command line summary of the rules ------------------------------------------
CLI_STALE = "Atención: los datos terminan el {date}, hace más de un año; use --hoy {iso} para analizarlos a esa fecha."
CLI_SUMMARY_ESTADOS = "Por estado: {counts}"
CLI_SUMMARY_SEMAFORO = "Semáforo: {counts}"
CLI_AGENDA_WRITTEN = "Agenda exportada: {path} ({count} acciones)"
CLI_AGENDAS_WRITTEN = "Agendas exportadas en {path}: {team} con todas ({count} acciones) y una por vendedor: {files}"
CLI_ICS_HELP = "exportar la agenda como eventos de calendario (.ics); dada una carpeta, además una agenda por vendedor"
ICS_SUMMARY = "{action} — {client}"
ICS_OVERDUE = "VENCIDA ({date}): {summary}"
# The lines of an event's description; a line whose field is empty is left out («Teléfono:» with nothing after it).
ICS_CLIENT = "Cliente: {client}"
ICS_COMPANY = " ({company})"
ICS_PHONE = "Teléfono: {phone}"
ICS_EMAIL = "Email: {email}"
ICS_REASON = "Motivo: {reason}"
ICS_COLOUR = "Semáforo: {colour}"
ICS_SUFFIX = ".ics"

# --- The Agenda sheet -------------------------------------------------------------
AGENDA_TITLE = "Agenda de seguimiento al {hoy}: acciones vencidas y de los próximos {days} días"
AGENDA_EMPTY = "No hay acciones pendientes en este periodo."

# --- Notebooks ------------------------------------------------------------------------
HTML_TITLE = "Cartera {source} al {hoy}"
HTML_ESTADO = "Estado"
HTML_SEMAFORO = "Semáforo"
HTML_CLIENTES = "Clientes"
HTML_TOTAL = "Total"
HTML_PROBLEMS = "Problemas para revisar: {count} (cartera.revisar)"

# --- Progress line on the terminal ---------------------------------------------------
PROGRESS_LINE = "[{bar}] {stage}… {seconds} s"
PROGRESS_READING = "Leyendo el libro"
PROGRESS_RULES = "Revisando los datos y aplicando las reglas"
PROGRESS_WRITING = "Escribiendo las hojas"
PROGRESS_SAVING = "Guardando el archivo"
PROGRESS_VERIFYING = "Comprobando el archivo guardado"
PROGRESS_DONE = "Listo"

CLI_COMMAND_METAVAR = "comando"
CLI_HELP_HELP = "muestra esta ayuda y termina"
# argparse's own words (its gettext message ids) in Spanish: every word the command line prints is Spanish.
ARGPARSE = {
    "usage: ": "uso: ",
    "options": "opciones",
    "positional arguments": "argumentos",
    "show this help message and exit": CLI_HELP_HELP,
    "the following arguments are required: %s": "faltan estos argumentos: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "«%(value)s» no es una opción válida (elija entre %(choices)s)",
    "unrecognized arguments: %s": "argumentos no reconocidos: %s",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "expected one argument": "falta su valor",
    "expected at least one argument": "falta al menos un valor",
    "expected at most one argument": "sobra un valor",
    "expected %s argument": "se esperaba %s valor",
    "expected %s arguments": "se esperaban %s valores",
    "invalid %(type)s value: %(value)r": "valor no válido: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "opción ambigua: %(option)s puede ser %(matches)s",
    "ignored explicit argument %r": "valor no admitido: %r",
    "one of the arguments %s is required": "falta uno de estos argumentos: %s",
    "not allowed with argument %s": "no se admite junto con %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
}
# What a console without these characters shows instead (accents are simply dropped: «Número» → «Numero»).
CLI_UNPRINTABLE = {"«": '"', "»": '"', "–": "-", "—": "-", "…": "...", "·": "-", "×": "x", "€": "EUR", "¿": "?", "¡": "!"}
# Every printed page's footer (Excel's codes: &L left, &C centre, &R right, &A the sheet, &P the page, &N the pages).
PRINT_FOOTER = "&L&A&CPágina &P de &N&RActualizado el {hoy}"
LAUNCHER_NAME = "Actualizar {stem}"  # the double-click launchers beside the workbook (.bat, .command, .desktop and .sh)
LAUNCHER_COMMENT = "actualiza el libro de al lado con doble clic (con «auto», sin esperar una tecla)"
LAUNCHER_PAUSE = "Pulse una tecla para cerrar esta ventana…"
# What a launcher says on a machine where the tool is not installed: the one command that installs it there.
LAUNCHER_NOT_INSTALLED = (
    "cartera_xls no está instalado en este equipo. Instálelo una vez: abra una terminal en la carpeta del proyecto "
    "cartera_xls (la que tiene pyproject.toml) y escriba: {command}"
)
INSTALL_COMMAND_WINDOWS = "py -m pip install ."
INSTALL_COMMAND_POSIX = "pipx install ."
LAUNCHER_NOT_FOUND = "No se encuentra «{script}» junto al lanzador. Ábralo desde la carpeta del libro."
CLI_LAUNCHER_WRITTEN = "Para actualizar con doble clic: «{path}» (en la misma carpeta que el libro)."
CLI_LAUNCHERS_WRITTEN = (
    "Para actualizar con doble clic, en la misma carpeta que el libro: «{windows}» en Windows, «{macos}» en macOS, «{linux}» en Linux."
)


PROBLEMS: tuple[Template, ...] = tuple(value for value in tuple(globals().values()) if isinstance(value, Template))
PROBLEM_CODES: tuple[str, ...] = tuple(template.code for template in PROBLEMS)  # what ``cartera.revisar`` can be filtered by
