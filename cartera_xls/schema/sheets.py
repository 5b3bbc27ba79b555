"""Every sheet and column of the team's workbook, with Spanish labels and aliases.

This is the single source consulted by reading, models, writing, dropdowns and
the template. Nothing else spells a sheet name or a header.
"""

from __future__ import annotations

from dataclasses import dataclass

from .structure import Column, Fmt, Kind, Sheet

SI = "sí"
NO = "no"
DATE_FORMAT = "%d/%m/%Y"  # how a date reads in every sentence the team sees
DATE_TIME_FORMAT = "%d/%m/%Y %H:%M"

# Canonical values the team sees; code compares against these names.
CONTACT_TYPES = ("llamada", "visita", "email", "mensaje", "muestra", "encuesta", "reunión")
OPPORTUNITY_OPEN = "abierta"
OPPORTUNITY_WON = "ganada"
OPPORTUNITY_LOST = "perdida"
OPPORTUNITY_STATES = (OPPORTUNITY_OPEN, OPPORTUNITY_WON, OPPORTUNITY_LOST)
COMPLAINT_OPEN = "abierto"
COMPLAINT_RESOLVED = "resuelto"
COMPLAINT_STATES = (COMPLAINT_OPEN, COMPLAINT_RESOLVED)
SOURCES = ("referido", "feria", "web", "publicidad", "alianza", "llamada en frío", "redes sociales", "otro")
PROBABILITY_WORDS = (("muy alta", 0.9), ("alta", 0.8), ("media", 0.5), ("baja", 0.2), ("muy baja", 0.1))

ESTADO_NUEVO = "nuevo"
ESTADO_ACTIVO = "activo"
ESTADO_PASIVO = "pasivo"
ESTADO_INACTIVO = "inactivo"
ESTADO_POTENCIAL = "potencial"
ESTADO_PERDIDO = "perdido"
ESTADOS = (ESTADO_NUEVO, ESTADO_ACTIVO, ESTADO_PASIVO, ESTADO_INACTIVO, ESTADO_POTENCIAL, ESTADO_PERDIDO)

ROJO = "rojo"
AMARILLO = "amarillo"
VERDE = "verde"
SIN_ALERTA = "sin alerta"  # nothing due within dias_aviso days and not waiting for an answer: no light
SIN_COLOR = "—"  # lost clients: grey, out of the agenda
SEMAFOROS = (ROJO, AMARILLO, VERDE, SIN_ALERTA, SIN_COLOR)
SEMAFORO_PRIORITY = {ROJO: 0, AMARILLO: 1, VERDE: 2, SIN_ALERTA: 3, SIN_COLOR: 4}

PERSONA = "persona"
EMPRESA = "empresa"
CLIENT_TYPES = (PERSONA, EMPRESA)

VOLUMEN_ALTO = "alto"
VOLUMEN_MEDIO = "medio"
VOLUMEN_BAJO = "bajo"
VOLUMENES = (VOLUMEN_ALTO, VOLUMEN_MEDIO, VOLUMEN_BAJO)
ABC_A = "A"
ABC_B = "B"
ABC_C = "C"
ABC_CLASSES = (ABC_A, ABC_B, ABC_C)

# RFM segments: (pattern over the R and F scores, name); the first pattern that matches wins.
RFM_SEGMENTS = (
    (r"5[4-5]", "Campeones"),
    (r"[3-4][4-5]", "Leales"),
    (r"[4-5][2-3]", "Potenciales leales"),
    (r"51", "Nuevos"),
    (r"41", "Prometedores"),
    (r"33", "Necesitan atención"),
    (r"3[1-2]", "A punto de dormir"),
    (r"[1-2]5", "No se pueden perder"),
    (r"[1-2][3-4]", "En riesgo"),
    (r"[1-2][1-2]", "Hibernando"),
)
RFM_LOST = "Perdidos"

# Lists that feed dropdowns on the hidden lists sheet (name → fixed values).
# Lists filled from the data (clients, salespeople) are added by the writer.
LIST_SI_NO = "sí/no"
LIST_TIPO_CONTACTO = "Tipo de contacto"
LIST_ESTADO_OPORTUNIDAD = "Estado de oportunidad"
LIST_ESTADO_RECLAMO = "Estado de reclamo"
LIST_ORIGEN = "Origen"
LIST_PERSONA_EMPRESA = "Persona o empresa"
LIST_CLIENTES = "Clientes"
LIST_VENDEDORES = "Vendedores"
FIXED_LISTS: dict[str, tuple[str, ...]] = {
    LIST_SI_NO: (SI, NO),
    LIST_TIPO_CONTACTO: CONTACT_TYPES,
    LIST_ESTADO_OPORTUNIDAD: OPPORTUNITY_STATES,
    LIST_ESTADO_RECLAMO: COMPLAINT_STATES,
    LIST_ORIGEN: SOURCES,
    LIST_PERSONA_EMPRESA: CLIENT_TYPES,
}

# Headers as billing systems and English exports spell them match too (see structure.header_key).
_CLIENT_ALIASES = (
    "Cliente",
    "ID cliente",
    "Id. cliente",
    "Código cliente",
    "Cod. cliente",
    "Código de cliente",
    "Customer",
    "Customer ID",
    "CustomerID",
    "Client",
    "Client ID",
    "Customer Code",
)
_CLIENT_NAME_ALIASES = ("Nombre cliente", "Nombre del cliente", "Razón social", "Customer Name", "Client Name", "Nombre")
_SALESPERSON_ALIASES = ("Vendedora", "Comercial", "Asesor", "Asesora", "Ejecutivo", "Responsable", "Salesperson", "Sales Rep", "Seller")
_FOLLOWUP_DATE_ALIASES = ("Fecha de contacto", "Día", "Contact Date")


def _text(key: str, label: str, *aliases: str, required: bool = False, dropdown: str | None = None) -> Column:
    return Column(key, label, Kind.TEXT, required=required, aliases=aliases, dropdown=dropdown)


def _client_ref(*extra: str) -> Column:
    return Column("client", "Cliente", Kind.ID, required=True, aliases=(*_CLIENT_ALIASES, *extra), dropdown=LIST_CLIENTES)


def _contact_columns() -> tuple[Column, ...]:
    """How to reach a client: in Clientes, and in a sales export that carries them (copied into the Clientes made from it)."""
    return (
        _text("tax_id", "Identificación fiscal", "NIF", "CIF", "RUC", "RUT", "CUIT", "RFC", "NIT", "DNI", "Id fiscal", "Tax ID", "VAT"),
        _text("email", "Email", "E-mail", "Correo", "Correo electrónico", "Mail", "Email address"),
        _text("phone", "Teléfono", "Telefono", "Tel", "Celular", "Móvil", "Teléfonos", "WhatsApp", "Phone", "Telephone", "Mobile"),
        _text("address", "Dirección", "Dirección postal", "Domicilio", "Address"),
    )


def _salesperson() -> Column:
    return _text("salesperson", "Vendedor", *_SALESPERSON_ALIASES, dropdown=LIST_VENDEDORES)


def _yes_no(key: str, label: str, *aliases: str) -> Column:
    return Column(key, label, Kind.BOOL, aliases=aliases, dropdown=LIST_SI_NO)


def _computed(key: str, label: str, kind: Kind = Kind.TEXT, number_format: str | None = None, width: int | None = None) -> Column:
    return Column(key, label, kind, computed=True, number_format=number_format, width=width)


SENTENCE_WIDTH = 36  # characters: a computed column of sentences shows this much (the whole text is in the cell)


CLIENTES = Sheet(
    key="clientes",
    label="Clientes",
    aliases=("Cliente", "Cartera", "Cartera de clientes", "Directorio", "Clients", "Customers"),
    description="Un cliente o prospecto por fila.",
    columns=(
        Column(
            "id",
            "ID",
            Kind.ID,
            aliases=(
                "Id cliente",
                "Código",
                "Codigo cliente",
                "Cod. cliente",
                "Nro",
                "N°",
                "Nº",
                "Número",
                "Customer ID",
                "CustomerID",
                "Client ID",
            ),
        ),
        _text(
            "name",
            "Nombre",
            "Nombre completo",
            "Nombre y apellido",
            "Contacto",
            "Cliente",
            "Nombre cliente",
            "Nombre del cliente",
            "Customer Name",
            "Customer",
            "Client Name",
            "Name",
            required=True,
        ),
        _text("company", "Empresa", "Negocio", "Nombre del negocio", "Razón social", "Compañía", "Company", "Company Name"),
        Column(
            "client_type",
            "Persona o empresa",
            Kind.CHOICE,
            aliases=(
                "Tipo de persona",
                "Persona/empresa",
                "Persona natural o jurídica",
                "Persona física o jurídica",
                "Tipo de contribuyente",
            ),
            choices=CLIENT_TYPES,
            choice_aliases=(
                ("persona natural", PERSONA),
                ("persona física", PERSONA),
                ("natural", PERSONA),
                ("física", PERSONA),
                ("particular", PERSONA),
                ("persona jurídica", EMPRESA),
                ("jurídica", EMPRESA),
                ("sociedad", EMPRESA),
                ("compañía", EMPRESA),
            ),
            dropdown=LIST_PERSONA_EMPRESA,
        ),
        _text("business_type", "Tipo de empresa", "Sector", "Rubro", "Tipo de negocio", "Actividad"),
        *_contact_columns(),
        _text("work_address", "Dirección de trabajo", "Dirección laboral", "Dirección comercial"),
        _text("city", "Ciudad", "Localidad", "Municipio", "Población", "City"),
        _text(
            "region",
            "Región",
            "Provincia",
            "Región/Provincia",
            "Departamento",
            "Estado/Provincia",
            "Comunidad",
            "State",
            "Region",
            "Province",
        ),
        _text("country", "País", "Country"),
        _salesperson(),
        _text("segment", "Segmento", "Categoría de cliente", "Tipo de cliente", "Segment"),
        Column("signup_date", "Fecha de alta", Kind.DATE, aliases=("Alta", "Fecha alta", "Fecha de registro")),
        _text("source", "Origen", "Canal", "Cómo llegó", "Fuente", "Captación", dropdown=LIST_ORIGEN),
        _text("referred_by", "Referido por", "Recomendado por", "Referente"),
        Column(
            "purchase_probability",
            "Probabilidad de compra",
            Kind.PERCENT,
            aliases=("Probabilidad", "Prob. de compra", "Prob compra"),
        ),
        _text("products_of_interest", "Productos de interés", "Productos", "Intereses"),
        _text("payment_method", "Forma de pago", "Modalidad de pago", "Medio de pago"),
        _yes_no("self_initiated", "Compra por iniciativa propia", "Iniciativa propia", "Compra solo"),
        Column("churn_date", "Fecha de baja", Kind.DATE, aliases=("Baja", "Fecha baja")),
        _text("churn_reason", "Motivo de baja", "Razón de baja", "Motivo baja"),
        _text("notes", "Notas", "Observaciones", "Comentarios"),
        _text("requirements", "Exigencias", "Requisitos"),
        _text("opinion", "Opinión", "Opinión del producto"),
        _text("needs", "Necesidades", "Dudas y necesidades"),
        _text("competition", "Competencia", "Comparaciones con la competencia"),
        # Computed on every refresh (grey headers), never read as input.
        _computed("estado", "Estado"),
        _computed("semaforo", "Semáforo"),
        _computed("motivo", "Motivo", width=SENTENCE_WIDTH),
        _computed("proximo_contacto", "Próximo contacto", Kind.DATE),
        _computed("accion_sugerida", "Acción sugerida", width=SENTENCE_WIDTH),
        _computed("volumen", "Volumen"),
        _computed("abc", "ABC"),
        _computed("segmento_rfm", "Segmento RFM"),
        _computed("r", "R", Kind.INTEGER),
        _computed("f", "F", Kind.INTEGER),
        _computed("m", "M", Kind.INTEGER),
        _computed("compras", "Compras", Kind.INTEGER),
        _computed("compras_12m", "Compras 12 meses", Kind.INTEGER),
        _computed("primera_compra", "Primera compra", Kind.DATE),
        _computed("ultima_compra", "Última compra", Kind.DATE),
        _computed("dias_sin_comprar", "Días sin comprar", Kind.INTEGER),
        _computed("intervalo", "Intervalo habitual (días)", Kind.INTEGER),
        _computed("compra_esperada", "Próxima compra esperada", Kind.DATE),
        _computed("facturacion", "Facturación total", Kind.NUMBER, Fmt.MONEY),
        _computed("facturacion_12m", "Facturación 12 meses", Kind.NUMBER, Fmt.MONEY),
        _computed("ticket_medio", "Ticket medio", Kind.NUMBER, Fmt.MONEY),
        _computed("productos", "Productos comprados", Kind.INTEGER),
        _computed("lista_productos", "Qué compra (veces)", width=SENTENCE_WIDTH),
        _computed("ultimo_contacto", "Último contacto", Kind.DATE),
        _computed("dias_sin_contacto", "Días sin contacto", Kind.INTEGER),
        _computed("contactos_90d", "Contactos 90 días", Kind.INTEGER),
        _computed("esperando_desde", "Esperando respuesta desde", Kind.DATE),
        _computed("referidos", "Referidos", Kind.INTEGER),
        _computed("satisfaccion", "Última satisfacción", Kind.INTEGER),
        _computed("recomendacion", "Última recomendación", Kind.INTEGER),
        _computed("reclamos_abiertos", "Reclamos abiertos", Kind.INTEGER),
        _computed("producto_sugerido", "Producto a ofrecer"),
    ),
)

VENTAS = Sheet(
    key="ventas",
    label="Ventas",
    aliases=("Venta", "Facturación", "Facturas", "Compras", "Pedidos", "Sales", "Orders", "Invoices"),
    description="Una línea de factura por fila (importe negativo = nota de crédito).",
    columns=(
        Column(
            "date",
            "Fecha",
            Kind.DATE,
            required=True,
            aliases=(
                "Fecha de venta",
                "Fecha factura",
                "Fecha de factura",
                "Fecha de compra",
                "Fecha pedido",
                "Fecha documento",
                "Fecha emisión",
                "Date",
                "Order Date",
                "Invoice Date",
                "InvoiceDate",
                "Sale Date",
            ),
        ),
        _client_ref(),
        # A sales export that names its clients but has no client code: the name serves as the reference.
        Column("client_name", "Nombre del cliente", Kind.TEXT, aliases=_CLIENT_NAME_ALIASES, stands_for="client"),
        _text(
            "product",
            "Producto",
            "Artículo",
            "Servicio",
            "Producto/Servicio",
            "Descripción",
            "Description",
            "Product",
            "Product Name",
            "Item",
        ),
        _text("category", "Categoría", "Familia", "Línea", "Category"),
        Column(
            "quantity",
            "Cantidad",
            Kind.NUMBER,
            aliases=("Cant", "Unidades", "Uds", "Quantity", "Qty", "Units"),
            number_format="General",
        ),
        Column(
            "unit_price",
            "Precio unitario",
            Kind.NUMBER,
            aliases=("Precio", "PVP", "Precio venta", "Precio de venta", "Unit Price", "UnitPrice", "Price"),
        ),
        Column(
            "amount",
            "Importe",
            Kind.NUMBER,
            required=True,
            aliases=("Monto", "Total", "Valor", "Importe total", "Total línea", "Valor total", "Amount", "Sales", "Revenue", "Line Total"),
        ),
        _text("payment_method", "Forma de pago", "Modalidad de pago", "Medio de pago", "Payment Method"),
        _text(
            "invoice",
            "Factura",
            "Nº factura",
            "Número de factura",
            "Comprobante",
            "Documento",
            "Invoice",
            "InvoiceNo",
            "Invoice No",
            "Invoice Number",
            "Order ID",
            "Order",
        ),
        _salesperson(),
        # What a sales export says of the client, for the Clientes sheet built from it.
        _text("company", "Empresa", "Company"),
        *_contact_columns(),
        _text("segment", "Segmento", "Segment"),
        _text("city", "Ciudad", "Localidad", "Municipio", "Población", "City"),
        _text("region", "Región", "Provincia", "Departamento", "State", "Region", "Province"),
        _text("country", "País", "Country"),
    ),
)

SEGUIMIENTO = Sheet(
    key="seguimiento",
    label="Seguimiento",
    aliases=("Seguimientos", "Contactos", "Agenda comercial", "Visitas", "Llamadas"),
    description="Un contacto con un cliente por fila.",
    columns=(
        Column("date", "Fecha", Kind.DATE, required=True, aliases=_FOLLOWUP_DATE_ALIASES),
        _client_ref(),
        Column(
            "contact_type",
            "Tipo",
            Kind.CHOICE,
            aliases=("Tipo de contacto", "Medio", "Canal"),
            choices=CONTACT_TYPES,
            choice_aliases=(
                ("teléfono", "llamada"),
                ("telefono", "llamada"),
                ("correo", "email"),
                ("mail", "email"),
                ("e-mail", "email"),
                ("whatsapp", "mensaje"),
                ("sms", "mensaje"),
                ("reunion", "reunión"),
                ("videollamada", "reunión"),
            ),
            dropdown=LIST_TIPO_CONTACTO,
        ),
        _salesperson(),
        _text("result", "Resultado", "Notas", "Resultado/Notas", "Comentario", "Observaciones"),
        # Who waits for whom, one column each way: «Esperando respuesta» alone was read both ways by teams.
        _yes_no("awaiting_reply", "Esperamos respuesta del cliente", "Esperando respuesta", "Pendiente de respuesta", "Espera respuesta"),
        _yes_no(
            "owes_reply",
            "El cliente espera nuestra respuesta",
            "Cliente espera respuesta",
            "Espera nuestra respuesta",
            "Le debemos respuesta",
            "Pendiente de nuestra parte",
        ),
        _text("next_action", "Próxima acción", "Siguiente paso", "Acción siguiente"),
        Column(
            "next_action_date",
            "Fecha próxima acción",
            Kind.DATE,
            aliases=("Fecha próximo contacto", "Próximo contacto", "Fecha siguiente paso"),
            with_time=True,
        ),
    ),
)

OPORTUNIDADES = Sheet(
    key="oportunidades",
    label="Oportunidades",
    aliases=("Oportunidad", "Negocios", "Pipeline", "Embudo"),
    description="Una oportunidad de venta por fila.",
    columns=(
        _client_ref(),
        Column("opened", "Fecha apertura", Kind.DATE, required=True, aliases=("Apertura", "Fecha de apertura", "Fecha inicio")),
        Column("closed", "Fecha cierre", Kind.DATE, aliases=("Cierre", "Fecha de cierre")),
        Column(
            "status",
            "Estado",
            Kind.CHOICE,
            choices=OPPORTUNITY_STATES,
            choice_aliases=(("abierto", "abierta"), ("ganado", "ganada"), ("perdido", "perdida"), ("en curso", "abierta")),
            dropdown=LIST_ESTADO_OPORTUNIDAD,
        ),
        Column("estimated_amount", "Importe estimado", Kind.NUMBER, aliases=("Monto estimado", "Valor estimado", "Importe")),
        _text("loss_reason", "Motivo de pérdida", "Motivo pérdida", "Razón de pérdida"),
    ),
)

ENCUESTAS = Sheet(
    key="encuestas",
    label="Encuestas",
    aliases=("Encuesta", "Satisfacción", "NPS"),
    description="Una respuesta de encuesta de satisfacción por fila.",
    columns=(
        Column("date", "Fecha", Kind.DATE, required=True),
        _client_ref(),
        Column("satisfaction", "Satisfacción", Kind.INTEGER, aliases=("Satisfaccion 1-5", "Puntuación"), minimum=1, maximum=5),
        Column("recommendation", "Recomendación", Kind.INTEGER, aliases=("Recomendaría", "NPS 0-10"), minimum=0, maximum=10),
        _text("comment", "Comentario", "Comentarios", "Observaciones"),
    ),
)

RECLAMOS = Sheet(
    key="reclamos",
    label="Reclamos",
    aliases=("Reclamo", "Quejas", "Reclamaciones", "Incidencias"),
    description="Un reclamo o queja por fila.",
    columns=(
        Column("date", "Fecha", Kind.DATE, required=True),
        _client_ref(),
        _text("reason", "Motivo", "Descripción", "Detalle"),
        Column(
            "status",
            "Estado",
            Kind.CHOICE,
            choices=COMPLAINT_STATES,
            choice_aliases=(("abierta", "abierto"), ("resuelta", "resuelto"), ("cerrado", "resuelto"), ("pendiente", "abierto")),
            dropdown=LIST_ESTADO_RECLAMO,
        ),
        Column("resolved_date", "Fecha resolución", Kind.DATE, aliases=("Fecha de resolución", "Resuelto el")),
    ),
)

REGLAS = Sheet(
    key="reglas",
    label="Reglas",
    aliases=("Parámetros", "Configuración", "Umbrales"),
    description="Cada parámetro de las reglas, editable.",
    columns=(
        Column("parameter", "Parámetro", Kind.TEXT, required=True, width=24),
        Column("value", "Valor", Kind.ANY, width=12),  # blank: the default (no currency for «moneda»)
        Column("description", "Descripción", Kind.TEXT, width=100),
    ),
)

# The data sheets in the order they are written back.
DATA_SHEETS: tuple[Sheet, ...] = (CLIENTES, VENTAS, SEGUIMIENTO, OPORTUNIDADES, ENCUESTAS, RECLAMOS)

# Excel number formats by kind (a column may override its own).
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.DATE: Fmt.DATE,
    Kind.NUMBER: Fmt.AMOUNT,
    Kind.PERCENT: Fmt.WHOLE_PERCENT,
    Kind.INTEGER: Fmt.WHOLE,
}

# Sheets the refresh generates; on read they are recognised and regenerated.
RESUMEN = "Resumen"
AGENDA = "Agenda"
ANALISIS = "Análisis"
CONCENTRACION = "Concentración"
GEOGRAFIA = "Geografía"
PRODUCTOS = "Productos"
VENDEDORES = "Vendedores"
REVISAR = "Revisar"
LISTAS = "Listas"
INSTRUCCIONES = "Instrucciones"


@dataclass(frozen=True)
class GeneratedSheet:
    """A sheet the tool writes whole at every refresh: the team finds it by ``name``; nothing of it is theirs."""

    key: str  # its writer (``writing.write_workbook``)
    name: str
    figures: tuple[str, ...] = ()  # the figures it shows (fields of ``indicators.Indicators``, keys of ``summary.FIGURES``)


# Where the sheets that are not generated go among the generated ones.
DATA_PLACE = "data sheets"  # Clientes, Ventas… in DATA_SHEETS order
TEAM_PLACE = "team sheets"  # the team's own, in their order
REGLAS_PLACE = "reglas"  # the team's parameters, written back with what they lack

# The workbook as the team finds it: every generated sheet declared once, in order.
SHEET_ORDER: tuple[GeneratedSheet | str, ...] = (
    GeneratedSheet(
        "resumen",
        RESUMEN,
        (
            "periods",
            "ranges",
            "trend",
            "by_estado",
            "by_semaforo",
            "closing",
            "closing_source",
            "stale",
            "uncovered",
            "left_out",
            "history",
            "new_unknown",
        ),
    ),
    GeneratedSheet("agenda", AGENDA),
    DATA_PLACE,
    GeneratedSheet("analisis", ANALISIS, ("estado_revenue", "segments", "origins", "churn", "recommendation", "referrals")),
    GeneratedSheet("concentracion", CONCENTRACION, ("pareto", "concentration")),
    GeneratedSheet("geografia", GEOGRAFIA, ("countries", "regions", "cities")),
    GeneratedSheet("productos", PRODUCTOS, ("products", "pairs", "pairs_total", "offers")),
    GeneratedSheet("vendedores", VENDEDORES, ("salespeople",)),
    TEAM_PLACE,
    GeneratedSheet("revisar", REVISAR),
    REGLAS_PLACE,
    GeneratedSheet("instrucciones", INSTRUCCIONES),
    GeneratedSheet("listas", LISTAS),
)
GENERATED: tuple[GeneratedSheet, ...] = tuple(sheet for sheet in SHEET_ORDER if isinstance(sheet, GeneratedSheet))
GENERATED_SHEETS = tuple(sheet.name for sheet in GENERATED)

# The follow-up plan, one row per action (keys are those of ``followup.agenda``).
AGENDA_SHEET = Sheet(
    key="agenda",
    label=AGENDA,
    columns=(
        Column("fecha", "Fecha", Kind.DATE, number_format=Fmt.DATE),
        Column("vendedor", "Vendedor"),
        Column("id", "ID"),
        Column("cliente", "Cliente"),
        Column("empresa", "Empresa"),
        Column("telefono", "Teléfono"),
        Column("email", "Email"),
        Column("accion", "Acción sugerida"),
        Column("motivo", "Motivo"),
        Column("semaforo", "Semáforo"),
        Column("estado", "Estado"),
        Column("referidos", "Clientes que trajo", Kind.INTEGER),
        Column("esperando_desde", "Esperando respuesta desde", Kind.DATE, number_format=Fmt.DATE),  # the live wait, as in Clientes
    ),
)

# Every problem found, one per row (keys are the fields of ``problems.Problem``).
REVISAR_SHEET = Sheet(
    key="revisar",
    label=REVISAR,
    columns=(
        Column("sheet", "Hoja", width=14),
        Column("row", "Fila", Kind.INTEGER, width=6),
        Column("client", "Cliente", width=24),
        Column("column", "Columna", width=18),
        Column("value", "Valor", width=24),
        Column("message", "Problema", width=60),
        Column("hint", "Qué hacer", width=60),
        Column("severity", "Gravedad", width=9),
    ),
)
# The notebook's ``cartera.revisar`` adds each problem's stable code (``bad-date``) to the columns of the sheet.
PROBLEM_CODE = Column("code", "Código")

# What the tool can write in its computed columns of fixed words: a column named like one of them, in a workbook
# without the marks (see COMPUTED_MARK), is the tool's only when every value in it is among these.
COMPUTED_WORDS: dict[str, tuple[str, ...]] = {
    "estado": ESTADOS,
    "semaforo": SEMAFOROS,
    "volumen": VOLUMENES,
    "abc": ABC_CLASSES,
    "segmento_rfm": (*(name for _, name in RFM_SEGMENTS), RFM_LOST),
}

# A line under the data that totals it or labels it is the team's, never a row of data: its formulas aggregate the
# columns above (as files store them, in English: SUBTOTAL, SUM, COUNTA…), or its only text begins with one of these.
TOTAL_WORDS = ("total", "totales", "subtotal", "subtotales", "suma", "sumas")

# A computed column whose label the team already uses for a column of its own is written with this suffix.
CALCULATED_SUFFIX = " (calculado)"

# Each computed column of Clientes is marked by a hidden workbook name over the whole column
# («_cartera_xls_col_estado» = Clientes!$AZ:$AZ). Excel moves a name with its column when the team
# inserts, deletes or moves columns, and does not copy it when it inserts a column beside it (it copies
# the formatting): a column is the tool's only where its mark is. A team column with a computed label
# anywhere else is the team's, kept and never written.
COMPUTED_MARK = "_cartera_xls_col_"
# A computed column the team renamed keeps a mark of its own («_cartera_xls_col_renombrada_estado»): it is theirs
# from then on and no longer updated, and every refresh says so in Revisar until it is deleted or named back.
RENAMED_MARK = "renombrada_"

# The workbook names the tool's own rules read instead of naming another sheet. Excel keeps a validation or a
# conditional format whose formula names another sheet in the sheet's extension list (x14) when it saves, and one
# that reads a workbook name in the main block: each dropdown reads «cartera_lista_…» (a column of Listas), each
# mark of a cell to review «cartera_revisar» (Revisar's first cell).
LIST_NAME_PREFIX = "cartera_lista_"
REVIEW_NAME = "cartera_revisar"

# The workbook name of Reglas' dias_aviso cell: the live colours of Clientes and Agenda read it.
WARN_DAYS_NAME = "cartera_dias_aviso"
WAIT_DAYS_NAME = "cartera_dias_espera"  # the Reglas cell of dias_espera_respuesta, as the live colours read it
# The day the live colours and the stamp compare with: TODAY() in a workbook refreshed as of the real today, the
# calculation day itself (DATE(2017,12,30)) in one refreshed as of another (--hoy), so its colours agree with its words.
HOY_NAME = "cartera_hoy"

# Marker stored as a custom document property in every workbook we write, so a
# sheet named like a generated one is only regenerated when we made it.
MARKER_PROPERTY = "cartera_xls"
