// The whitespace-only differences Custodian text may have that do not change what it means: line endings,
// trailing whitespace, runs of blank lines, blank lines at either end. Lines inside code blocks are left as
// they are (the block reader says which those are). For canonical text (see custodian-text-syntax.ts),
// adfToText(textToAdf(text)) === normalizeText(text).
import { isBlankLine } from './custodian-text-syntax';
import { readTextBlocks } from './text-block-reader';

export function normalizeText(text: string): string {
  const { codeLines } = readTextBlocks(text);
  const lines: string[] = [];
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, source) => {
      if (codeLines.has(source)) {
        lines.push(line);
        return;
      }
      const trimmed = isBlankLine(line) ? '' : line.trimEnd();
      if (trimmed === '' && (lines.length === 0 || lines[lines.length - 1] === '')) return;
      lines.push(trimmed);
    });
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
