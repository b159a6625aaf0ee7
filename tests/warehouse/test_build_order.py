from pathlib import Path

import pytest

from warehouse.build import BuildError, SqlModel, dependency_order


def models(tmp_path: Path, sources: dict[str, str]) -> list[SqlModel]:
    result = []
    for name, sql in sources.items():
        path = tmp_path / f"{name}.sql"
        path.write_text(sql)
        result.append(SqlModel(name, path))
    return result


def test_a_model_comes_after_the_models_it_reads(tmp_path):
    ordered = dependency_order(
        models(tmp_path, {
            "a_totals": "SELECT * FROM marts.z_lines JOIN marts.m_units USING (unit_code)",
            "m_units": "SELECT * FROM ref.units",
            "z_lines": "SELECT * FROM staging.stg_x JOIN marts.m_units USING (unit_code)",
        }),
        "marts",
    )
    assert [m.name for m in ordered] == ["m_units", "z_lines", "a_totals"]


def test_a_cycle_is_a_clear_error(tmp_path):
    with pytest.raises(BuildError, match="circulaire"):
        dependency_order(models(tmp_path, {"a": "SELECT * FROM marts.b", "b": "SELECT * FROM marts.a"}), "marts")
