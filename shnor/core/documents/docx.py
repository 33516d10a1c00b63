"""DOCX → Document: paragraphs and tables in body order, Word numbering rendered, merged cells de-duplicated.

We walk the body XML ourselves (lxml, the parser python-docx uses) instead of python-docx's `paragraphs` and
`tables`, because those lose the order of paragraphs and tables, repeat a merged cell's text in every grid cell
and read text boxes into the text.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from lxml import etree

from shnor.core.documents import Block, Document
from shnor.core.documents.lines import classify_line, clean, split_marker

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|название|заголовок)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list|список", re.IGNORECASE)
# Containers whose children belong to the body flow (content controls, custom XML, tracked insertions).
_TRANSPARENT = {W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag", W + "fldSimple", W + "hyperlink"}


def read(data: bytes, filename: str) -> Document:
    parts = _Parts(data)
    body = parts.root("document").find(W + "body")
    if body is None:
        raise ValueError("word/document.xml has no body")
    reader = _Reader(styles=_styles(parts.root("styles")), numbering=_Numbering.of(parts.root("numbering")))
    reader.walk(body)
    document = Document(source=filename, format="docx", blocks=reader.blocks, warnings=[])
    if body.find(".//" + W + "txbxContent") is not None:
        document.warnings.append(
            "Текст в надписях (текстовых полях) не прочитан. Если там есть сведения для отчёта, "
            "перенесите их в основной текст документа."
        )
    return document


# Entities are never resolved and nothing is fetched: a DOCX is untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_PART_TYPES = {
    "styles": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
    "numbering": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering",
}


class _Parts:
    """The three XML parts we read, found through the package relationships.

    Reading them straight from the zip costs a third of what opening the whole package with python-docx does,
    which matters when a municipality uploads a hundred school reports at once."""

    def __init__(self, data: bytes) -> None:
        self.archive = zipfile.ZipFile(BytesIO(data))
        self.names = set(self.archive.namelist())
        self.main = self._target("_rels/.rels", _OFFICE_DOCUMENT, "", "word/document.xml")
        folder = self.main.rsplit("/", 1)[0] + "/" if "/" in self.main else ""
        rels = f"{folder}_rels/{self.main.rsplit('/', 1)[-1]}.rels"
        self.paths = {"document": self.main}
        for name, kind in _PART_TYPES.items():
            self.paths[name] = self._target(rels, kind, folder, f"{folder}{name}.xml")

    def _target(self, rels: str, kind: str, folder: str, default: str) -> str:
        if rels in self.names:
            for rel in etree.fromstring(self.archive.read(rels), _PARSER).findall(_RELS + "Relationship"):
                if rel.get("Type") == kind and rel.get("TargetMode") != "External":
                    target = rel.get("Target") or ""
                    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(folder + target)
        return default

    def root(self, name: str):
        path = self.paths.get(name, "")
        if path not in self.names:
            if name == "document":
                raise KeyError(path)
            return None
        return etree.fromstring(self.archive.read(path), _PARSER)


@dataclass
class _Style:
    name: str
    outline: int | None = None  # Word's outline level, 0-based; 9 means body text
    num_id: str | None = None
    ilvl: int = 0


def _styles(root) -> dict[str, _Style]:
    raw: dict[str, tuple[str, str | None, int | None, str | None, int]] = {}
    for element in root.findall(W + "style") if root is not None else []:
        style_id = element.get(W + "styleId") or ""
        name_el = element.find(W + "name")
        based = element.find(W + "basedOn")
        ppr = element.find(W + "pPr")
        outline = _int_attr(ppr.find(W + "outlineLvl")) if ppr is not None else None
        num_id, ilvl = _num_pr(ppr)
        raw[style_id] = (
            name_el.get(W + "val") if name_el is not None else style_id,
            based.get(W + "val") if based is not None else None,
            outline,
            num_id,
            ilvl,
        )
    styles: dict[str, _Style] = {}
    for style_id, (name, based, outline, num_id, ilvl) in raw.items():
        # Outline level and numbering are inherited through basedOn; two steps cover real templates.
        parent = raw.get(based or "")
        if parent is not None:
            outline = outline if outline is not None else parent[2]
            if num_id is None:
                num_id, ilvl = parent[3], parent[4]
        styles[style_id] = _Style(name, outline, num_id, ilvl)
    return styles


def _num_pr(ppr) -> tuple[str | None, int]:
    if ppr is None:
        return None, 0
    num_pr = ppr.find(W + "numPr")
    if num_pr is None:
        return None, 0
    num_el = num_pr.find(W + "numId")
    num_id = num_el.get(W + "val") if num_el is not None else None
    return (None if num_id in (None, "0") else num_id), _int_attr(num_pr.find(W + "ilvl")) or 0


def _int_attr(element, default: int | None = None) -> int | None:
    if element is None:
        return default
    try:
        return int(element.get(W + "val"))
    except (TypeError, ValueError):
        return default


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """Renders Word's automatic list labels («1)», «·»), which are not part of the paragraph text."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → ilvl → level
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, root) -> _Numbering:
        numbering = cls()
        if root is None:
            return numbering
        abstract: dict[str, dict[int, _Level]] = {}
        for element in root.findall(W + "abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in element.findall(W + "lvl"):
                levels[_int_attr_named(lvl, "ilvl")] = _level(lvl)
            abstract[element.get(W + "abstractNumId") or ""] = levels
        for num in root.findall(W + "num"):
            ref = num.find(W + "abstractNumId")
            levels = dict(abstract.get(ref.get(W + "val") if ref is not None else "", {}))
            for override in num.findall(W + "lvlOverride"):
                ilvl = _int_attr_named(override, "ilvl")
                start = _int_attr(override.find(W + "startOverride"))
                lvl = override.find(W + "lvl")
                base = _level(lvl) if lvl is not None else levels.get(ilvl, _Level())
                if start is not None:
                    base = _Level(base.fmt, base.text, start)
                levels[ilvl] = base
            numbering.levels[num.get(W + "numId") or ""] = levels
        return numbering

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels:
            return ""
        level = levels.get(ilvl, _Level())
        if level.fmt == "bullet":
            return _bullet(level.text)
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new item at this level restarts the sub-lists under it

        def render(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k, _Level())
            return _format_number(counters.get(k, lvl.start), lvl.fmt)

        return re.sub(r"%(\d)", render, level.text)


def _int_attr_named(element, name: str) -> int:
    try:
        return int(element.get(W + name) or 0)
    except ValueError:
        return 0


def _level(lvl) -> _Level:
    fmt = lvl.find(W + "numFmt")
    text = lvl.find(W + "lvlText")
    return _Level(
        fmt.get(W + "val") if fmt is not None else "decimal",
        text.get(W + "val") if text is not None else "%1.",
        _int_attr(lvl.find(W + "start"), 1) or 1,
    )


def _bullet(text: str | None) -> str:
    # Bullets are usually Symbol/Wingdings glyphs in the private-use area; show them as a plain dot.
    if not text or any("\uf000" <= ch <= "\uf8ff" for ch in text) or text in ("o", "§", "Ø", "ü"):
        return "·"
    return text


_RUSSIAN_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("russianLower", "russianUpper"):
        letter = _RUSSIAN_LETTERS[(n - 1) % len(_RUSSIAN_LETTERS)]
        return letter.upper() if fmt == "russianUpper" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "none":
        return ""
    return str(n)


def _roman(n: int) -> str:
    result = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            result += digits
            n -= value
    return result


@dataclass
class _Reader:
    styles: dict[str, _Style]
    numbering: _Numbering
    blocks: list[Block] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    # True while only empty paragraphs followed the last table: a next table with the same columns continues it.
    table_open: bool = False

    def walk(self, parent) -> None:
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.table(child)
            elif tag in _TRANSPARENT:
                self.walk(child)

    def paragraph(self, p) -> None:
        text = clean(paragraph_text(p))
        if not text:
            return
        self.table_open = False
        self.paragraphs += 1
        ppr = p.find(W + "pPr")
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style = self.styles.get(style_el.get(W + "val") if style_el is not None else "Normal") or _Style("")
        kind, level, marker = self._kind(p, ppr, style, text)
        if kind == "list_item":
            typed_marker, rest, _ = split_marker(text)
            if typed_marker:  # a typed number wins over (or stands in for) Word's numbering
                marker, text = typed_marker, rest
        elif kind == "paragraph":
            line = classify_line(text)
            kind, text, marker, level = line.kind, line.text, line.marker, line.level
        self.blocks.append(
            Block(kind=kind, text=text, index=len(self.blocks), where=f"абзац {self.paragraphs}",
                  level=level, style=style.name, marker=marker)
        )

    def _kind(self, p, ppr, style: _Style, text: str) -> tuple[str, int, str]:
        outline = _int_attr(ppr.find(W + "outlineLvl")) if ppr is not None else None
        outline = outline if outline is not None else style.outline
        heading = _HEADING_STYLE.match(style.name)
        num_id, ilvl = _num_pr(ppr)
        if num_id is None and style.num_id:
            num_id, ilvl = style.num_id, style.ilvl
        if heading:
            return "heading", int(heading.group(1)), ""
        if _TITLE_STYLE.match(style.name):
            return "heading", 0, ""
        if outline is not None and outline < 9:
            return "heading", outline + 1, ""
        if num_id is not None:
            return "list_item", ilvl, self.numbering.label(num_id, ilvl)
        if _LIST_STYLE.search(style.name):
            return "list_item", 0, ""
        return "paragraph", 0, ""

    def table(self, tbl) -> None:
        rows = table_rows(tbl)
        if not rows:
            return
        previous = self.blocks[-1] if self.blocks else None
        if self.table_open and previous is not None and previous.rows and len(previous.rows[0]) == len(rows[0]):
            # A table continued on the next page (or split by hand) with the same columns: one table.
            if rows[0] == previous.rows[0]:
                rows = rows[1:]  # the repeated header row
            previous.rows.extend(rows)
            return
        self.tables += 1
        self.table_open = True
        self.blocks.append(Block(kind="table", text="", index=len(self.blocks), where=f"таблица {self.tables}", rows=rows))


def paragraph_text(p) -> str:
    parts: list[str] = []
    _collect_text(p, parts)
    return "".join(parts)


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag in (W + "txbxContent", W + "del", W + "drawing", W + "pict", W + "object", MC + "AlternateContent"):
            continue  # text boxes and drawings are not part of the reading flow; deleted text is gone
        else:
            _collect_text(child, parts)


def table_rows(tbl) -> list[list[str]]:
    """Cell texts on the table's grid: a merged cell's text appears once, its other grid cells are ""."""
    rows: list[list[str]] = []
    for tr in _children(tbl, W + "tr"):
        row: list[str] = []
        trpr = tr.find(W + "trPr")
        before = _int_attr(trpr.find(W + "gridBefore"), 0) if trpr is not None else 0
        row.extend([""] * (before or 0))
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = max(1, min(_int_attr(tcpr.find(W + "gridSpan"), 1) or 1, 64)) if tcpr is not None else 1
            text = "" if _continues_merge(tcpr) else _cell_text(tc)
            row.append(text)
            row.extend([""] * (span - 1))
        if any(cell.strip() for cell in row):
            rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _continues_merge(tcpr) -> bool:
    if tcpr is None:
        return False
    vmerge = tcpr.find(W + "vMerge")
    if vmerge is not None and vmerge.get(W + "val") in (None, "continue"):
        return True
    hmerge = tcpr.find(W + "hMerge")
    return hmerge is not None and hmerge.get(W + "val") in (None, "continue")


def _cell_text(tc) -> str:
    lines: list[str] = []
    for child in _flow(tc):
        if child.tag == W + "p":
            text = clean(paragraph_text(child))
            if text:
                lines.append(text)
        elif child.tag == W + "tbl":
            # A nested table reads as lines «cell — cell» inside its parent cell.
            for row in table_rows(child):
                line = " — ".join(cell.replace("\n", " ") for cell in row if cell)
                if line:
                    lines.append(line)
    return "\n".join(lines)


def _flow(parent):
    for child in parent:
        if child.tag in _TRANSPARENT:
            yield from _flow(child)
        else:
            yield child


def _children(parent, tag: str):
    return (child for child in _flow(parent) if child.tag == tag)
