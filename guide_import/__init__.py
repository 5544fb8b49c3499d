"""Bulk import and export of process guides (办事指南) from the provincial platform's
implementation list (政务服务事项实施清单), as .xlsx or .csv.

reader    opens a file safely (type by its bytes, zip-bomb and size limits, encodings)
mapping   column names → fields: built-in aliases and per-province mapping files
cleaning  one cell → one value (HTML, entities, lines, units, 是/否, 不收费)
parse     tables → guide records and refusals (child sheets or repeated rows)
upsert    records against the database: the report, then drafts and revisions
revisions the diff of a revision, adopting it, publishing many at once
export    guides → a file the importer reads back unchanged
jobs      running a check or an import off the request thread, with progress
"""


class ImportRefused(Exception):
    """The whole file is refused (not a spreadsheet, too big, no key column …);
    ``str()`` is a Chinese sentence for the person who uploaded it."""
