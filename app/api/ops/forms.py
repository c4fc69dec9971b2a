"""Fill-in forms: what fields a PDF has, and filling them."""

from __future__ import annotations

import json

from app.api.declare import (
    JSON,
    ONE_PDF,
    PASSWORD,
    PDF,
    Context,
    FileOut,
    operation,
    output,
    pdf_out,
    source_of,
)
from app.api.inputs import Field, InputError, Inputs


@operation(
    "forms",
    "List the form's fields: {fields: [{name, label (tooltip, else the words printed beside"
    " it, else the name made readable), type (text, checkbox, radio, choice, signature),"
    " value, options, choices ([{value, label}] of checkboxes and radio groups: fill with"
    " the value), page, widgets ([{page, box [left, top, right, bottom] as fractions of the"
    " page as shown, from its top-left corner, value}]), required, read_only}]}",
    [ONE_PDF, PASSWORD],
    (JSON,),
)
def forms(inputs: Inputs, ctx: Context) -> dict:
    from app.pdf.forms import list_fields

    return {"fields": list_fields(source_of(inputs), ctx.job)}


@operation(
    "forms/fill",
    "Fill form fields; values show in every viewer (appearances drawn, any language)."
    " With flatten, the fields become page content and the form goes.",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "values",
            "string",
            "A JSON object from field name to value: text for text and choice fields, true/false"
            ' for checkboxes, the option for radio groups, e.g. {"Name": "王芳", "Agree": true}.',
            required=True,
            max_length=200_000,
        ),
        Field("flatten", "boolean", "Burn the filled fields into the pages.", default=False),
    ],
    (PDF,),
    suffix="filled",
)
def fill(inputs: Inputs, ctx: Context) -> FileOut:
    from flask_babel import gettext as _

    from app.pdf.forms import fill as run

    try:
        values = json.loads(inputs["values"])
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise InputError(
            "bad_field", _("“%(field)s” must be a JSON object.", field="values"), "values"
        )
    source = source_of(inputs)
    result = run(
        source,
        output(ctx),
        ctx.job,
        values=values,
        flatten=inputs["flatten"],
    )
    return pdf_out(result, ctx, source)
