"""The header cells a screen reader gives a table's cell, worked out as the HTML standard says
browsers must ("forming relationships between data cells and header cells",
https://html.spec.whatwg.org/multipage/tables.html#header-and-data-cell-semantics), for a table
parsed with BeautifulSoup.

``headers_for(table, cell)`` follows the cell's ``headers`` attribute where it has one, as the
standard does; ``headers_for(table, cell, by_scope=True)`` ignores it and works from the cells'
places and scopes alone, as an assistive technology that reads only scopes would. A table whose
cells get the right headers both ways is read right by either kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import Tag

SCOPES = {"row", "col", "rowgroup", "colgroup"}


@dataclass(eq=False)
class Cell:
    tag: Tag
    x: int
    y: int
    width: int
    height: int
    group: int  # which row group (thead, tbody or tfoot, in order) it is anchored in

    @property
    def is_header(self) -> bool:
        return self.tag.name == "th"

    @property
    def scope(self) -> str:
        scope = (self.tag.get("scope") or "").lower()
        return scope if self.is_header and scope in SCOPES else "auto"

    @property
    def empty(self) -> bool:
        return not self.tag.find(True) and not self.tag.get_text().strip()

    @property
    def text(self) -> str:
        return " ".join(self.tag.get_text(" ").split())


class Grid:
    """The table's cells on the grid of slots the standard's table model lays them on."""

    def __init__(self, table: Tag):
        self.table = table
        self.cells: list[Cell] = []
        self.slots: dict[tuple[int, int], Cell] = {}
        self.groups: list[Tag] = []
        y = 0
        for group, section in enumerate(table.find_all(["thead", "tbody", "tfoot"], recursive=False)):
            self.groups.append(section)
            rows = section.find_all("tr", recursive=False)
            end = y + len(rows)
            for row in rows:
                x = 0
                for tag in row.find_all(["td", "th"], recursive=False):
                    while (x, y) in self.slots:
                        x += 1
                    width = max(int(tag.get("colspan") or 1), 1)
                    rowspan = int(tag.get("rowspan") or 1)
                    height = end - y if rowspan == 0 else min(rowspan, end - y)  # a row span stops at its group
                    cell = Cell(tag, x, y, width, height, group)
                    self.cells.append(cell)
                    for dx in range(width):
                        for dy in range(height):
                            self.slots[(x + dx, y + dy)] = cell
                    x += width
                y += 1

    def cell_of(self, tag: Tag) -> Cell:
        return next(cell for cell in self.cells if cell.tag is tag)

    def _cells_covering(self, xs=None, ys=None) -> list[Cell]:
        return [cell for (x, y), cell in self.slots.items() if (xs is None or x in xs) and (ys is None or y in ys)]

    def is_column_header(self, cell: Cell) -> bool:
        if cell.scope == "col":
            return True
        rows = range(cell.y, cell.y + cell.height)
        return cell.scope == "auto" and all(other.is_header for other in self._cells_covering(ys=rows))

    def is_row_header(self, cell: Cell) -> bool:
        if cell.scope == "row":
            return True
        columns = range(cell.x, cell.x + cell.width)
        return (cell.scope == "auto" and not self.is_column_header(cell)
                and all(other.is_header for other in self._cells_covering(xs=columns)))

    def _scan(self, principal: Cell, x: int, y: int, dx: int, dy: int, found: list[Cell]) -> None:
        """The standard's "internal algorithm for scanning and assigning header cells"."""
        opaque: list[Cell] = []
        in_block = principal.is_header
        block: list[Cell] = [principal] if principal.is_header else []
        while True:
            x, y = x + dx, y + dy
            if x < 0 or y < 0:
                return
            current = self.slots.get((x, y))
            if current is None:
                continue
            if current.is_header:
                in_block = True
                block.append(current)
                blocked = False
                if dx == 0:
                    blocked = (any(o.x == current.x and o.width == current.width for o in opaque)
                               or not self.is_column_header(current))
                else:
                    blocked = (any(o.y == current.y and o.height == current.height for o in opaque)
                               or not self.is_row_header(current))
                if not blocked and current not in found:
                    found.append(current)
            elif in_block:
                in_block = False
                opaque.extend(block)
                block = []

    def headers(self, principal: Cell, by_scope: bool = False) -> list[Cell]:
        found: list[Cell] = []
        ids = principal.tag.get("headers") or []
        if isinstance(ids, str):  # BeautifulSoup splits ``headers``, a list of ids, like ``class``
            ids = ids.split()
        if ids and not by_scope:
            for token in ids:
                tag = self.table.find(id=token)
                if tag is not None and any(cell.tag is tag for cell in self.cells):
                    found.append(self.cell_of(tag))
        else:
            for y in range(principal.y, principal.y + principal.height):
                self._scan(principal, principal.x, y, -1, 0, found)
            for x in range(principal.x, principal.x + principal.width):
                self._scan(principal, x, principal.y, 0, -1, found)
            for cell in self.cells:
                if (cell.scope == "rowgroup" and cell.group == principal.group
                        and cell.x <= principal.x + principal.width - 1
                        and cell.y <= principal.y + principal.height - 1 and cell not in found):
                    found.append(cell)
        unique: list[Cell] = []
        for cell in found:
            if not cell.empty and cell is not principal and cell not in unique:
                unique.append(cell)
        return unique


def headers_for(table: Tag, cell: Tag, by_scope: bool = False) -> set[str]:
    """The text of each header cell ``cell`` gets (see the module's docstring)."""
    grid = Grid(table)
    return {header.text for header in grid.headers(grid.cell_of(cell), by_scope)}
