"""What importing each file of the export folder into team "Team" must give: the
families, the header each field is read from and the rows left out, or the words of the
refusal (files built by :mod:`export_files`)."""

from __future__ import annotations

from export_files import (
    FAMILIES,
    Export,
    accented_cp1252,
    domestic_abuse,
    eclipse_cells,
    eclipse_serials,
    family_group_names,
    filtered_mosaic,
    grouped_by_worker,
    lcs_csv,
    lcs_workbook,
    mosaic_semicolon,
    mosaic_unicode_text,
    no_refs,
    no_stage,
    page_breaks,
    review_due,
    second_sheet,
    stage_typo,
    two_digit_years,
    two_teams,
    unborn_blank_ref,
    us_dates,
    year_99,
)

TEAM = ["--team", "Team"]
MAIN = {"review": "Next Review Date", "ref": "Family ID", "child_ref": "Case Ref"}
EXPORTS = [
    Export(
        "lcs-report.xlsx",
        lcs_workbook,
        TEAM,
        FAMILIES,
        {**MAIN, "stage": "CP Stage"},
        {
            10: "hidden",
            11: "another team",
            15: "totals",
            16: "end of the report",
            17: "after the end",
        },
        sheet="Open cases",
        header_row=6,
    ),
    Export(
        "lcs-report.csv",
        lcs_csv,
        TEAM,
        FAMILIES,
        MAIN,
        {11: "another team", 12: "totals"},
        header_row=4,
    ),
    Export(
        "mosaic-semicolon-1252.csv",
        mosaic_semicolon,
        TEAM,
        FAMILIES,
        {
            "ref": "Family Group ID",
            "review": "Date of Next Review",
            "stage": "Current Step",
            "type": "Legal Status",
            "flags": "Alerts",
        },
        {10: "another team"},
    ),
    Export(
        "mosaic-unicode-text.txt",
        mosaic_unicode_text,
        TEAM,
        FAMILIES,
        {"ref": "Family Group ID", "review": "Date of Next Review"},
        {8: "another team"},
    ),
    Export(
        "eclipse-date-cells.xlsx",
        eclipse_cells,
        TEAM,
        FAMILIES,
        {"ref": "Family Ref", "child_ref": "Child ID", "review": "Next Review", "stage": "Stage"},
    ),
    Export(
        "eclipse-general-serials.xlsx", eclipse_serials, TEAM, FAMILIES, {"review": "Next Review"}
    ),
    Export(
        "us-dates.csv",
        us_dates,
        TEAM,
        None,
        refused=["the whole column is refused", "'02/20/2028'"],
    ),
    Export("two-digit-years.csv", two_digit_years, TEAM, FAMILIES),
    Export("opened-99.csv", year_99, TEAM, None, refused=["1999-06-01"]),
    Export(
        "no-references.csv",
        no_refs,
        TEAM,
        {None: ("TWr", 2, "2027-12-04"), "-": ("OPe", 4, "2028-01-15")},
    ),
    Export(
        "unborn-blank-ref.csv", unborn_blank_ref, TEAM, {**FAMILIES, None: ("UGo", 1, "2028-01-01")}
    ),
    Export(
        "family-group-names.csv",
        family_group_names,
        TEAM,
        None,
        refused=["holds a word from the name columns"],
    ),
    Export(
        "page-breaks.xlsx",
        page_breaks,
        TEAM,
        FAMILIES,
        {},
        {6: "footer", 7: "header repeated", 11: "footer"},
    ),
    Export(
        "grouped-by-worker.xlsx",
        grouped_by_worker,
        TEAM,
        FAMILIES,
        {},
        {4: "heading", 7: "heading", 12: "totals"},
    ),
    Export(
        "two-teams-no-team-option.csv",
        two_teams,
        [],
        {**FAMILIES, "F-4004": ("BAc", 3, "2028-03-10")},
    ),
    Export(
        "domestic-abuse-flag.csv",
        domestic_abuse,
        TEAM,
        None,
        refused=["'Domestic Abuse' is not a flag this team uses"],
    ),
    Export("stage-typo.csv", stage_typo, TEAM, None, refused=["'Assesment' is not a stage"]),
    Export(
        "no-stage-column.csv",
        no_stage,
        [*TEAM, "--default-stage", "1"],
        {k: (c, 1, r) for k, (c, _s, r) in FAMILIES.items()},
    ),
    Export(
        "next-review-due.csv",
        review_due,
        TEAM,
        FAMILIES,
        {"review": "Next Review Due", "ref": "Case Ref"},
    ),
    Export(
        "data-on-second-sheet.xlsx",
        second_sheet,
        [*TEAM, "--sheet", "data", "--header-row", "4"],
        FAMILIES,
        sheet="Data",
        header_row=4,
    ),
    Export("filtered-mosaic.xlsx", filtered_mosaic, TEAM, FAMILIES, {}, {4: "hidden", 5: "hidden"}),
    Export("accented-1252.csv", accented_cp1252, TEAM, {"F-6006": ("EBa", 5, "2027-09-09")}),
]
