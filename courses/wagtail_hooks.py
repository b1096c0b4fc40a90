"""Wagtail admin wiring: a catalog created in the admin gets its authoring rules at once."""
from __future__ import annotations

from wagtail import hooks

from .models import CatalogPage
from .services import catalog_authoring_setup


@hooks.register("after_create_page")
def set_up_new_catalog(request, page):
    if isinstance(page.specific, CatalogPage):
        catalog_authoring_setup(catalog=page.specific)
