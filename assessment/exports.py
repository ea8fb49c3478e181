"""Exports as CSV and JSON."""

from assessment.scoring import STAGE_NAMES, phase_of


def csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; prefix them so they stay text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def comparison_csv_rows(comparison) -> list[list]:
    """Domains × orgs: a score column and a stage column per org, then the overall result."""
    header = ["domain"]
    for column in comparison.columns:
        name = csv_safe(column.org.name)
        header += [f"{name} score", f"{name} stage"]
    rows = [header]
    for row in comparison.rows:
        line = [csv_safe(row.name)]
        for cell in row.cells:
            line += [
                "" if cell.score is None else f"{cell.score:.1f}",
                STAGE_NAMES.get(cell.stage, ""),
            ]
        rows.append(line)
    overall = ["Overall"]
    phases = ["Crawl / Walk / Run"]
    for column in comparison.columns:
        result = column.result
        overall += [
            "" if result is None else f"{result.overall_score:.1f}",
            "" if result is None else result.stage_name,
        ]
        phases += ["", "" if result is None else phase_of(result.stage)]
    rows += [overall, phases]
    return rows
