// The whitespace-only differences Custodian text may have that do not change what it means: line endings,
// trailing whitespace, runs of blank lines, blank lines at either end. Code inside fences is left as is.
// For canonical text (see custodian-text-syntax.ts), adfToText(textToAdf(text)) === normalizeText(text).
import { isBlankLine, isFenceClosing, matchFenceOpening } from './custodian-text-syntax';

/**
 * A fence may sit inside list items and quotes: strip their indentation, list markers and ">" to find it.
 * A list marker counts as the indentation it stands for, so an item's opening and closing fences match.
 */
const CONTAINER_PREFIX = /^(?:[ >]|- |\d{1,9}\. )*/;

function containerShape(prefix: string): string {
  return prefix.replace(/- |\d{1,9}\. /g, (marker) => ' '.repeat(marker.length)).replace(/ +$/, '');
}

export function normalizeText(text: string): string {
  const lines: string[] = [];
  let openFence: { prefix: string; fence: string } | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const prefix = CONTAINER_PREFIX.exec(line)?.[0] ?? '';
    const rest = line.slice(prefix.length);
    if (openFence !== null) {
      if (containerShape(prefix) === openFence.prefix && isFenceClosing(rest, openFence.fence)) {
        openFence = null;
        lines.push(line.trimEnd());
      } else {
        lines.push(line);
      }
      continue;
    }
    const opening = matchFenceOpening(rest.trimEnd());
    if (opening) openFence = { prefix: containerShape(prefix), fence: opening.fence };
    const trimmed = isBlankLine(line) ? '' : line.trimEnd();
    if (trimmed === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(trimmed);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
