// Turns inline content, however Jira or the parser shaped it, into the one form Custodian text can write:
// lines of merged runs with marks in a fixed order, no empty lines, no whitespace just inside bold or
// italic, no trailing whitespace, and only the marks and links Custodian text can express.
import { AdfInline, AdfMark, AdfText } from './adf-document';
import { hasMark, sortMarks } from './adf-marks';
import { LINK_SCHEME } from './custodian-text-syntax';
import { InlineRun, mergeRuns } from './inline-parser';

export type InlinePiece = InlineRun | { hardBreak: true };

/** Marks Custodian text can write: link (an allowed scheme, no angle brackets), strong, em, code. */
export function supportedMarks(rawMarks: unknown): AdfMark[] {
  if (!Array.isArray(rawMarks)) return [];
  const marks: AdfMark[] = [];
  for (const raw of rawMarks) {
    if (typeof raw !== 'object' || raw === null) continue;
    const type = (raw as { type?: unknown }).type;
    if (type === 'link') {
      const href = (raw as { attrs?: { href?: unknown } }).attrs?.href;
      if (typeof href === 'string' && isWritableHref(href) && !hasMark(marks, 'link')) {
        marks.push({ type: 'link', attrs: { href } });
      }
    } else if ((type === 'strong' || type === 'em' || type === 'code') && !hasMark(marks, type)) {
      marks.push({ type });
    }
  }
  return normalizeMarks(marks);
}

export function isWritableHref(href: string): boolean {
  return LINK_SCHEME.test(href) && !/[<>\r\n]/.test(href);
}

/** ADF's code mark combines only with link. */
function normalizeMarks(marks: AdfMark[]): AdfMark[] {
  const kept = hasMark(marks, 'code') ? marks.filter((mark) => mark.type === 'link' || mark.type === 'code') : marks;
  return sortMarks(kept);
}

/** Splits pieces into lines at hard breaks and at line breaks inside text. */
export function piecesToLines(pieces: InlinePiece[]): InlineRun[][] {
  const lines: InlineRun[][] = [[]];
  for (const piece of pieces) {
    if ('hardBreak' in piece) {
      lines.push([]);
      continue;
    }
    piece.text.replace(/\r\n?/g, '\n').split('\n').forEach((part, index) => {
      if (index > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ text: part, marks: normalizeMarks(piece.marks) });
    });
  }
  return lines;
}

interface MarkedCharacter {
  character: string;
  marks: AdfMark[];
}

/** One line in canonical form; empty when nothing but whitespace was on it. */
export function canonicalLine(runs: InlineRun[], options: { trimStart: boolean }): InlineRun[] {
  const characters: MarkedCharacter[] = [];
  for (const run of runs) {
    for (const character of run.text) characters.push({ character, marks: run.marks });
  }
  for (const type of ['strong', 'em'] as const) moveWhitespaceOutOf(type, characters);
  const isBareSpace = (c: MarkedCharacter) => /\s/.test(c.character) && c.marks.length === 0;
  while (characters.length > 0 && isBareSpace(characters[characters.length - 1])) characters.pop();
  if (options.trimStart) {
    while (characters.length > 0 && isBareSpace(characters[0])) characters.shift();
  }
  return mergeRuns(characters.map((c) => ({ text: c.character, marks: c.marks })));
}

/** "**" and "_" must touch non-space text, so whitespace at the edges of a bold or italic span leaves it. */
function moveWhitespaceOutOf(type: 'strong' | 'em', characters: MarkedCharacter[]): void {
  const removable = (c: MarkedCharacter) => hasMark(c.marks, type) && !hasMark(c.marks, 'code') && /\s/.test(c.character);
  const strip = (c: MarkedCharacter) => {
    c.marks = c.marks.filter((mark) => mark.type !== type);
  };
  for (let index = 0; index < characters.length; index += 1) {
    const startsSpan = hasMark(characters[index].marks, type) && (index === 0 || !hasMark(characters[index - 1].marks, type));
    if (startsSpan) {
      for (let at = index; at < characters.length && removable(characters[at]); at += 1) strip(characters[at]);
    }
  }
  for (let index = characters.length - 1; index >= 0; index -= 1) {
    const endsSpan = hasMark(characters[index].marks, type) && (index === characters.length - 1 || !hasMark(characters[index + 1].marks, type));
    if (endsSpan) {
      for (let at = index; at >= 0 && removable(characters[at]); at -= 1) strip(characters[at]);
    }
  }
}

export function linesToInline(lines: InlineRun[][]): AdfInline[] {
  const content: AdfInline[] = [];
  lines.forEach((line, index) => {
    if (index > 0) content.push({ type: 'hardBreak' });
    for (const run of line) content.push(textNode(run));
  });
  return content;
}

function textNode(run: InlineRun): AdfText {
  return run.marks.length > 0 ? { type: 'text', text: run.text, marks: run.marks } : { type: 'text', text: run.text };
}
