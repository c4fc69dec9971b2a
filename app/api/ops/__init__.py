"""The API's operations, one module per family; importing this declares them all.

The order here is the order of the OpenAPI document.
"""

from app.api.ops import documents, finishing, forms, images, pages, stamps  # noqa: F401
