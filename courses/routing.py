"""Routing of the pages Wagtail serves, from a cached site and catalog.

For every page, Wagtail finds the request's Site (one query) and walks the tree from the
site's root, two queries a level: a lesson cost five queries before it was found, the
catalog four. The sites, the catalog and where it sits below each site's root change
rarely (the ``site`` generation of courses.cache), so they are cached together; a page
under the catalog is then found by CatalogPage.route in one query and the catalog itself in
none. Other pages only get the cached Site and Wagtail routes them as before.

The same bundle says which tree paths carry a view restriction, so a page routed here
skips Wagtail's two queries for its restrictions when none applies (``unrestricted``, read
by the course page types' ``get_view_restrictions``). With any alias page in the tree the
restrictions are always read from the database: an alias takes its source's.
"""
from __future__ import annotations

from django.core.cache import cache
from django.http import Http404
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import MATCH_DEFAULT, MATCH_HOSTNAME, MATCH_HOSTNAME_DEFAULT, MATCH_HOSTNAME_PORT

from . import cache as shared_cache
from .models import UNRESTRICTED_ATTRIBUTE, CatalogPage


def _route_bundle(request) -> dict:
    """Every site (with its root page), the catalog, the catalog's path components below each
    site's root, the restricted tree paths and whether any page is an alias (cached)."""
    key = shared_cache.route_key(shared_cache.generations(request)["site"])
    bundle = cache.get(key)
    if bundle is None:
        sites = list(Site.objects.select_related("root_page"))
        catalog = CatalogPage.objects.order_by("path").first()
        components = {}
        for site in sites:
            root = site.root_page.url_path
            if catalog is not None and catalog.path.startswith(site.root_page.path):
                components[site.pk] = tuple(part for part in catalog.url_path[len(root):].split("/") if part)
        bundle = {
            "sites": sites, "catalog": catalog, "components": components,
            "restricted_paths": sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True))),
            "has_aliases": Page.objects.filter(alias_of__isnull=False).exists(),
        }
        cache.set(key, bundle, shared_cache.ROUTE_TIMEOUT)
    return bundle


def _site_for(sites: list[Site], hostname: str, port: int) -> Site | None:
    """wagtail.models.sites.get_site_for_hostname over the cached sites (same ranking)."""
    ranked = []
    for site in sites:
        if site.hostname == hostname and site.port == port:
            ranked.append((MATCH_HOSTNAME_PORT, site))
        elif site.hostname == hostname and site.is_default_site:
            ranked.append((MATCH_HOSTNAME_DEFAULT, site))
        elif site.is_default_site:
            ranked.append((MATCH_DEFAULT, site))
        elif site.hostname == hostname:
            ranked.append((MATCH_HOSTNAME, site))
    ranked.sort(key=lambda pair: pair[0])
    if not ranked:
        return None
    if len(ranked) == 1 or ranked[0][0] in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return ranked[0][1]
    if ranked[0][0] == MATCH_DEFAULT:
        return ranked[len(ranked) == 2][1]
    return None


def _unrestricted(bundle: dict, page) -> bool:
    return not bundle["has_aliases"] and not any(page.path.startswith(path) for path in bundle["restricted_paths"])


def route_request(request, path: str) -> None:
    """Give Wagtail the request's Site and, for the catalog and the pages below it, the route
    (``request._wagtail_site`` and ``request._wagtail_route_for_request``, which Wagtail's
    ``Site.find_for_request`` and ``Page.route_for_request`` read before querying)."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    bundle = _route_bundle(request)
    hostname = split_domain_port(request._get_raw_host())[0]
    site = _site_for(bundle["sites"], hostname, request.get_port())
    request._wagtail_site = site
    catalog_components = bundle["components"].get(site.pk) if site is not None else None
    if catalog_components is None:
        return
    components = [component for component in path.split("/") if component]
    if tuple(components[:len(catalog_components)]) != catalog_components:
        return
    try:
        result = bundle["catalog"].route(request, components[len(catalog_components):])
    except Http404:
        result = None
    if result is not None and _unrestricted(bundle, result[0]):
        setattr(result[0], UNRESTRICTED_ATTRIBUTE, True)
    request._wagtail_route_for_request = result
