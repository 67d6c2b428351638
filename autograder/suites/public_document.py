"""The public checks of an exercise as a JSON document, and back.

:func:`to_document` writes what :class:`~autograder.suites.public_checks.PublicCourse`
holds; computations and values travel as data (:mod:`autograder.contract.calls`),
never as code.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from autograder.contract.advice import Advice
from autograder.contract.calls import from_data, to_data
from autograder.contract.cases import Case
from autograder.contract.figures import Figure, expected_from_spec
from autograder.contract.pictures import Picture, Series
from autograder.suites.assertions import Expectation, FigureCheck
from autograder.suites.diagnosis import Symptoms, Variant
from autograder.suites.public_checks import FORMAT, ExampleCheck, PublicCourse


def _variants_data(variants: list[Variant]) -> list:
    return [[v.mistake, v.explanation, v.kind, to_data(v.value)] for v in variants]


def _variants(data: list) -> list[Variant]:
    return [Variant(name, text, kind, from_data(value)) for name, text, kind, value in data]


def _symptoms_data(symptoms: Symptoms) -> dict:
    return {sign: [v.mistake, v.explanation] for sign, v in symptoms.items()}


def _symptoms(data: dict) -> Symptoms:
    return {sign: Variant(name, text, "", None) for sign, (name, text) in data.items()}


def _expression(value: Any) -> Any:
    return None if value is None else to_data(value)


#: Arrays of more base64 characters than this are written once, in the document's table
#: ``"arrays"``, and named where they occur: a dataset feeds many figures.
SHARED_ARRAY = 4096


def _share(data: Any, table: dict[str, list]) -> Any:
    """``data`` with each large array replaced by ``{"$shared": key}``, kept in ``table``."""
    if isinstance(data, list):
        return [_share(item, table) for item in data]
    if isinstance(data, dict):
        body = data.get("$array")
        if len(data) == 1 and isinstance(body, list) and len(body[2]) > SHARED_ARRAY:
            key = hashlib.sha256(body[2].encode("ascii")).hexdigest()[:16]
            table[key] = body
            return {"$shared": key}
        return {name: _share(item, table) for name, item in data.items()}
    return data


def _unshare(data: Any, table: dict[str, list]) -> Any:
    """The inverse of :func:`_share`."""
    if isinstance(data, list):
        return [_unshare(item, table) for item in data]
    if isinstance(data, dict):
        if len(data) == 1 and "$shared" in data:
            return {"$array": table[data["$shared"]]}
        return {name: _unshare(item, table) for name, item in data.items()}
    return data


def to_document(course: PublicCourse) -> dict:
    """``course`` as a JSON-ready document (see :func:`from_document`)."""
    table: dict[str, list] = {}
    document = _share(_document(course), table)
    return {**document, "arrays": table}


def _document(course: PublicCourse) -> dict:
    picture = course.picture
    return {
        "format": FORMAT,
        "exercise": course.exercise,
        "sources": course.sources,
        "stub_sha256": course.stub_sha256,
        "figures": [
            {
                "task": check.figure.task,
                "claim": check.figure.claim,
                "compute": to_data(check.figure.compute),
                "expected": list(check.figure.expected.spec),
                "reference": to_data(check.reference),
                "variants": _variants_data(check.variants),
            }
            for check in course.figures
        ],
        "examples": [
            {
                "task": example.case.task,
                "label": example.case.label,
                "args": to_data(example.case.args),
                "kwargs": to_data(example.case.kwargs),
                "seeds": example.case.seeds,
                "plot": example.case.plot,
                "kind": example.expected.kind,
                "value": to_data(example.expected.value),
                "generators": example.expected.generators,
                "parameters": example.expected.parameters,
                "variants": _variants_data(example.expected.variants()),
                "symptoms": _symptoms_data(example.expected.symptoms),
            }
            for example in course.examples
        ],
        "advice": [
            {"task": item.task, "checks": list(item.checks), "recommendation": item.recommendation}
            for item in course.advice
        ],
        "picture": None
        if picture is None
        else {
            "title": picture.title,
            "xlabel": picture.xlabel,
            "ylabel": picture.ylabel,
            "log": picture.log,
            "series": [
                {
                    "label": series.label,
                    "compute": to_data(series.compute),
                    "note": _expression(series.note),
                }
                for series in picture.series
            ],
        },
        "reference_curves": course.reference_curves,
    }


def _example(item: dict) -> ExampleCheck:
    case = Case(
        item["task"],
        item["label"],
        from_data(item["args"]),
        from_data(item["kwargs"]),
        dict(item["seeds"]),
        bool(item["plot"]),
    )
    variants = _variants(item["variants"])
    expected = Expectation(
        item["kind"],
        from_data(item["value"]),
        dict(item["generators"]),
        list(item["parameters"]),
        lambda: variants,
        _symptoms(item["symptoms"]),
    )
    return ExampleCheck(case, expected)


def from_document(document: dict) -> PublicCourse:
    """The :class:`PublicCourse` that :func:`to_document` wrote."""
    document = _unshare(document, document.get("arrays", {}))
    figures = tuple(
        FigureCheck(
            Figure(
                item["task"],
                item["claim"],
                from_data(item["compute"]),
                expected_from_spec(item["expected"]),
            ),
            from_data(item["reference"]),
            _variants(item["variants"]),
        )
        for item in document["figures"]
    )
    drawn = document.get("picture")
    picture = None
    if drawn is not None:
        picture = Picture(
            drawn["title"],
            drawn["xlabel"],
            drawn["ylabel"],
            bool(drawn["log"]),
            tuple(
                Series(
                    series["label"],
                    from_data(series["compute"]),
                    None if series["note"] is None else from_data(series["note"]),
                )
                for series in drawn["series"]
            ),
        )
    return PublicCourse(
        document["exercise"],
        figures,
        tuple(_example(item) for item in document["examples"]),
        tuple(
            Advice(item["task"], tuple(item["checks"]), item["recommendation"])
            for item in document["advice"]
        ),
        picture,
        list(document["reference_curves"]),
        document["stub_sha256"],
        document["sources"],
    )


def render(document: dict) -> str:
    """The file's text: stable, so that a rebuild of unchanged sources changes no byte."""
    return json.dumps(document, indent=1, sort_keys=True, allow_nan=True) + "\n"


