"""The fixtures the script tests use follow the project's results schema, so the tests exercise
the format actbench writes, not one of their own."""
from __future__ import annotations

import jsonschema
import pytest
from actbench_results import PROJECT_SCHEMA_PATH, project_schema


@pytest.mark.skipif(not PROJECT_SCHEMA_PATH.is_file(),
                    reason=f"{PROJECT_SCHEMA_PATH} is not in this checkout yet")
@pytest.mark.parametrize("fixture", ["results_document", "small_document"])  # small: GEMM layers
def test_fixture_matches_results_schema(fixture, request):
    schema = project_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    document = request.getfixturevalue(fixture)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])
