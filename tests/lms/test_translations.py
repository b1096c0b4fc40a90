"""Vietnamese first: every string the apps mark for translation has a Vietnamese translation, and each
translation keeps the placeholders of its original (a lost %(name)s would drop a value or raise).

The strings are read the way makemessages reads them (Python calls to the gettext family; templates
through Django's own ``templatize``), so no GNU gettext is needed.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ["lms", "people", "media_pipeline", "assessments", "courses", "enrollment", "reporting", "certificates"]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "gettext_noop"}
PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\(((?:\s*u?'(?:[^'\\]|\\.)*',?)+)")
QUOTED = re.compile(r"u?'((?:[^'\\]|\\.)*)'")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]")


def _python_strings(path: Path) -> dict[str, str]:
    found = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        position = 1 if name in PGETTEXT else 0 if name in GETTEXT else None
        if position is not None and len(node.args) > position:
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _template_strings(path: Path) -> dict[str, str]:
    """msgids of a template: the singular of a plural, never a pgettext context."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = {}
    for match in TEMPLATE_CALL.finditer(source):
        quoted = QUOTED.findall(match.group(2))
        msgid = quoted[1 if "p" in match.group(1) else 0]
        found[ast.literal_eval(f"'{msgid}'")] = str(path.relative_to(ROOT))
    return found


def marked_strings() -> dict[str, str]:
    """Every msgid the apps mark, with where it is first marked."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found = {**_python_strings(path), **found}
        for path in sorted((ROOT / app).rglob("*")):
            if "templates" in path.relative_to(ROOT).parts and path.suffix in (".html", ".txt"):
                found = {**_template_strings(path), **found}
    return found


def vietnamese_catalogue() -> dict[str, polib.POEntry]:
    entries = {}
    for path in [*settings.LOCALE_PATHS, *(ROOT / app / "locale" for app in APPS)]:
        po_path = path / "vi" / "LC_MESSAGES" / "django.po"
        if po_path.exists():
            for entry in polib.pofile(str(po_path)):
                if (entry.msgstr or any(entry.msgstr_plural.values())) and "fuzzy" not in entry.flags:
                    entries.setdefault(entry.msgid, entry)
    return entries


def test_every_marked_string_has_a_vietnamese_translation():
    strings, catalogue = marked_strings(), vietnamese_catalogue()
    assert len(strings) > 500  # the reader found the apps' strings
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in strings.items() if msgid not in catalogue)
    assert missing == []


def _project_entries() -> list[tuple[str, polib.POEntry]]:
    """(catalogue, entry) of every translated entry in the project's own catalogues (not locale_wagtail/)."""
    found = []
    for path in [ROOT / "locale", *(ROOT / app / "locale" for app in APPS)]:
        po_path = path / "vi" / "LC_MESSAGES" / "django.po"
        if po_path.exists():
            found += [(str(po_path.relative_to(ROOT)), entry) for entry in polib.pofile(str(po_path))
                      if entry.msgstr or any(entry.msgstr_plural.values())]
    return found


def test_one_string_has_one_translation_across_the_apps():
    """Django merges every catalogue: the same msgid translated two ways in two apps shows one of them
    everywhere (a lesson's "Next" once read "Bài tiếp theo" on admin pagination). A word that means
    different things gets a context (pgettext) or a more specific msgid."""
    seen: dict[tuple, tuple[str, str]] = {}
    conflicts = []
    for where, entry in _project_entries():
        key = (entry.msgctxt, entry.msgid)
        text = entry.msgstr or entry.msgstr_plural.get(0, "")
        if key in seen and seen[key][1] != text:
            conflicts.append(f"{entry.msgid!r}: {seen[key][0]} says {seen[key][1]!r}, {where} says {text!r}")
        seen.setdefault(key, (where, text))
    assert conflicts == []


def test_the_wagtail_gap_catalogue_never_overrides_the_apps():
    """locale_wagtail/ is in LOCALE_PATHS, which beats the apps' catalogues: it must not hold their strings."""
    ours = {(entry.msgctxt, entry.msgid) for _where, entry in _project_entries()}
    gaps = polib.pofile(str(ROOT / "locale_wagtail" / "vi" / "LC_MESSAGES" / "django.po"))
    assert sorted(entry.msgid for entry in gaps if (entry.msgctxt, entry.msgid) in ours) == []


def test_translations_keep_the_placeholders_of_their_original():
    wrong = []
    for msgid, entry in vietnamese_catalogue().items():
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for translation in translations:
            if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(translation)) and not (
                    entry.msgid_plural and sorted(PLACEHOLDER.findall(entry.msgid_plural))
                    == sorted(PLACEHOLDER.findall(translation))):
                wrong.append(f"{msgid!r} -> {translation!r}")
    assert wrong == []


def test_the_wagtail_admin_is_in_vietnamese_too():
    """Trainers and managers work in Wagtail's admin: every string of Wagtail's catalogues has a Vietnamese
    translation, Wagtail's own or ours (locale_wagtail/). After a Wagtail upgrade this lists the new ones."""
    import wagtail

    package = Path(wagtail.__file__).parent
    english = {entry.msgid for po in package.rglob("locale/en/LC_MESSAGES/django.po")
               for entry in polib.pofile(str(po)) if not entry.obsolete}
    translated = set(vietnamese_catalogue()) | {
        entry.msgid for po in package.rglob("locale/vi/LC_MESSAGES/django.po") for entry in polib.pofile(str(po))
        if entry.msgstr or any(entry.msgstr_plural.values())}
    assert len(english) > 1500
    assert sorted(english - translated) == []
