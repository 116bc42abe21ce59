"""The OCDS profile a UK9 notice is checked against: released core schema plus pinned extensions.

Package data under ``ocds/`` (see its README.md): the released OCDS 1.1.5 release and release
package schemas (``standard-1.1.5/``) and, under ``extensions/<id>/``, each extension the notice
declares at the version the extension registry lists: metrics 1.1, performance failures, the
Cabinet Office's UK extension and every extension the UK extension depends on. ``versions.json``
records each one's registry URL, source repository and commit.

The profile is the core release schema with each extension's ``release-schema.json`` applied as
a JSON Merge Patch (RFC 7386) in ``versions.json`` order, as ocdsextensionregistry's
``ProfileBuilder`` does; the test suite checks the two agree.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources

#: The OCDS ocid: a registered 6-character prefix, a hyphen, then the publisher's own id.
OCID_PATTERN = re.compile(r"^ocds-[a-z0-9]{6}-[A-Za-z0-9._:/-]+$")


def merge_patch(target: object, patch: object) -> object:
    """Apply a JSON Merge Patch (RFC 7386) to ``target``; neither argument is changed."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _read(*parts: str) -> str:
    return resources.files("scrutiny.insight").joinpath("ocds", *parts).read_text(
        encoding="utf-8")


@cache
def _versions() -> str:
    return _read("versions.json")


def versions() -> dict:
    """``versions.json``: the core standard and each extension (id, version, url, commit)."""
    return json.loads(_versions())


def extension_urls() -> list[str]:
    """Every extension's ``extension.json`` URL, as the registry lists it, in profile order."""
    return [ext["url"] for ext in versions()["extensions"]]


def core_schema(name: str) -> dict:
    """A released core schema file, e.g. ``release-package-schema.json``."""
    return json.loads(_read(versions()["standard"]["folder"], name))


@cache
def _patched() -> str:
    schema = core_schema("release-schema.json")
    for ext in versions()["extensions"]:
        schema = merge_patch(schema, json.loads(_read("extensions", ext["folder"],
                                                      "release-schema.json")))
    return json.dumps(schema)


def patched_schema() -> dict:
    """The OCDS 1.1.5 release schema with every bundled extension applied."""
    return json.loads(_patched())


def schema_errors(package: dict) -> list[str]:
    """JSON Schema errors of a release package, formats checked, one line each.

    The package is checked against the released package schema, whose ``releases`` refer to the
    release schema by its URL; that URL resolves to :func:`patched_schema` (draft 4), so nothing
    is fetched.
    """
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = patched_schema()
    registry = Registry().with_resource(release["id"], Resource(release, DRAFT4))
    validator = Draft4Validator(core_schema("release-package-schema.json"), registry=registry,
                                format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: {e.message}"
            for e in sorted(validator.iter_errors(package), key=lambda e: list(e.path))]


def profile_errors(package: dict) -> list[str]:
    """What OCDS tools would refuse beyond the schema: ocid prefixes, undeclared extensions."""
    errors = []
    for i, release in enumerate(package.get("releases") or []):
        ocid = release.get("ocid") if isinstance(release, dict) else None
        if isinstance(ocid, str) and not OCID_PATTERN.match(ocid):
            errors.append(f"releases/{i}/ocid: {ocid!r} does not start with an OCDS prefix "
                          "(ocds-, six lower-case letters or digits, a hyphen)")
    declared = package.get("extensions") or []
    for url in extension_urls():
        if url not in declared:
            errors.append(f"extensions: {url} is used but not declared")
    return errors
