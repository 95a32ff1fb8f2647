/**
 * On a phone a table's columns do not fit, so each row is shown as a card (styles.css): every
 * cell then needs its column's name beside it. This copies each header's text onto the cells of
 * its column as `data-label` (shown by CSS before the cell), for every `table.table` under
 * `root`, and keeps doing so as React redraws rows. Screen readers keep the table's own headers.
 * Returns a function that stops watching.
 */
export function labelTableCells(root: HTMLElement): () => void {
  const label = () => {
    for (const table of root.querySelectorAll<HTMLTableElement>('table.table')) {
      labelTable(table);
    }
  };
  label();
  const observer = new MutationObserver(label);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return () => observer.disconnect();
}

function labelTable(table: HTMLTableElement): void {
  const headerRow = table.tHead?.rows[0];
  if (!headerRow) return;
  const names = columnNames(headerRow);
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const name = names[column] ?? '';
        if (cell.getAttribute('data-label') !== name) cell.setAttribute('data-label', name);
        column += cell.colSpan;
      }
    }
  }
}

/** The header's text per column, a cell spanning two columns naming both. */
function columnNames(row: HTMLTableRowElement): string[] {
  const names: string[] = [];
  for (const cell of row.cells) {
    const text = (cell.textContent ?? '').trim();
    for (let i = 0; i < cell.colSpan; i++) names.push(text);
  }
  return names;
}
