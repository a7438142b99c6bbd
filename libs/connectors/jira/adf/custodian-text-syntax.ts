// Custodian stores ticket descriptions and comments as plain text. This file defines the small Markdown
// subset that plain text may use, so that it converts to ADF and back without loss. Text that uses none of
// it converts to ADF paragraphs and back unchanged.
//
// Lines end with "\n" ("\r\n" and "\r" read as "\n"). A line of only spaces and tabs is blank.
//
// BLOCKS are recognised only at the first column of their container (the document, a list item's
// de-indented lines, or a quote's stripped lines):
// - Paragraph: consecutive non-blank lines that start no other block. Every line break inside a paragraph
//   is a hard line break. A line's trailing whitespace is dropped; its leading whitespace is kept, except at
//   the start of a paragraph that follows a list (there it would read as part of the list).
// - Heading: 1 to 6 "#", a space, then inline text on the same line. A lone "#" is an empty heading.
// - Fenced code block: a line of 3 or more backticks, optionally followed by a language
//   ([A-Za-z0-9_+#.-]+). The lines up to a line of at least as many backticks (and nothing else) are code,
//   verbatim, with no inline syntax. A fence left open runs to the end of its container.
// - Rule: a line of 3 or more "-", "*" or "_" and nothing else.
// - Bullet list: items start with "- " (or are a lone "-"). Ordered list: items start with "N. " (N is 1 to
//   9 digits); the first item's number is where the list starts, later numbers are not read.
//   An item continues on the following lines indented by at least its marker's width ("- " = 2, "1. " = 3,
//   "10. " = 4); those lines, de-indented, are the item's blocks: a paragraph or code block first, then
//   paragraphs, code blocks and nested lists. A blank line ends a list unless the next non-blank line is
//   indented into the item, so two lists separated by a blank line stay two lists. A bullet item does not
//   continue an ordered list, nor the other way round.
// - Block quote: consecutive lines starting with ">" (one space after it is dropped); the stripped lines
//   are the quote's blocks.
// - Lists nest at most 100 deep; below that a marker line is paragraph text.
// - List items and quotes hold only paragraphs, code blocks and lists (as ADF allows); inside them a line
//   that would start a heading, rule or quote is paragraph text.
// - Blocks are separated by blank lines. A heading, fence, rule, quote or list marker line also ends a
//   paragraph without one.
//
// INLINE syntax works within one line (nothing spans a hard line break), and a code span, link, bare URL,
// bold or italic is at most 1000 characters long (so that a pasted log line cannot make conversion slow):
// - `code`: a run of N backticks up to the next run of exactly N backticks. The content is literal, spaces
//   included, except that when it both starts and ends with a space and, inside its edge spaces, starts or
//   ends with a backtick, one space is removed from each end (that padding is how code can start or end
//   with a backtick: `` `x `` is the code "`x", while ` x ` is the code " x " as typed). A run with no
//   partner is literal text.
// - Links: [text](url) where url starts with http:, https:, mailto:, ftp: or tel: and has no whitespace or
//   parentheses, or [text](<url>) for a url with parentheses or spaces. The text may hold code, bold and
//   italic but no link. Anything else stays text: "a[i](x)", and "[x](javascript:...)" which a ticket view
//   must never turn into a link.
// - Bare URLs: "http://" or "https://" not preceded by a letter or digit, up to whitespace, "<", ">" or
//   "`", without trailing . , ; : ! ? ' " ) ] * _ characters. The link's text is the URL itself.
// - **bold**: "**" followed by a non-space, up to "**" preceded by a non-space.
// - _italic_: "_" not preceded by a letter or digit and followed by a non-space, up to "_" preceded by a
//   non-space and not followed by a letter or digit, so snake_case_names stay text. Italic inside a word
//   cannot be written.
// - A backslash before one of \ ` * _ [ ] > # - . : makes that character literal; any other backslash is
//   itself literal (C:\Users stays as typed).
//
// Canonical text is what adfToText writes: blank lines between the document's blocks and between a
// quote's blocks; inside a list item, a nested list or code block follows its paragraph directly; "- "
// bullets; ordered items numbered on from the list's start; the shortest fence that cannot close early;
// backslashes only where a character would otherwise be read as syntax.

export type BlockContainer = 'document' | 'listItem' | 'blockquote';

/** Lists nest at most this deep; a marker line deeper down is paragraph text (recursion stays bounded). */
export const MAX_LIST_NESTING = 100;

/** The characters a backslash makes literal. */
export const ESCAPABLE_CHARACTERS: ReadonlySet<string> = new Set([
  '\\', '`', '*', '_', '[', ']', '>', '#', '-', '.', ':',
]);

/** The link schemes read and written; a link to anything else (javascript:, data:, ...) is kept as text. */
export const LINK_SCHEME = /^(?:https?|mailto|ftp|tel):/i;

export const CODE_LANGUAGE_PATTERN = /^[A-Za-z0-9_+#.-]+$/;
const FENCE_OPEN = /^(`{3,})([A-Za-z0-9_+#.-]*)[ \t]*$/;
const FENCE_CLOSE = /^(`{3,})[ \t]*$/;
const HEADING = /^(#{1,6})(?:[ \t]+(.*))?$/;
const RULE = /^(?:-{3,}|\*{3,}|_{3,})[ \t]*$/;
const BULLET_MARKER = /^-(?: |$)/;
const ORDERED_MARKER = /^(\d{1,9})\.(?: |$)/;

/**
 * Whether code written between backtick fences needs a space of padding at each end: it starts or ends with
 * a backtick, spaces aside (adding a space at each end does not change the answer, so the parser strips
 * padding exactly where the writer adds it).
 */
export function codeSpanNeedsPadding(code: string): boolean {
  return /^ *`|` *$/.test(code);
}

export function isBlankLine(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

export function matchFenceOpening(line: string): { fence: string; language: string } | null {
  const match = FENCE_OPEN.exec(line);
  return match ? { fence: match[1], language: match[2] } : null;
}

/** A closing fence has at least as many backticks as the opening one. */
export function isFenceClosing(line: string, openingFence: string): boolean {
  const match = FENCE_CLOSE.exec(line);
  return match !== null && match[1].length >= openingFence.length;
}

export function matchHeading(line: string): { level: number; text: string } | null {
  const match = HEADING.exec(line);
  return match ? { level: match[1].length, text: (match[2] ?? '').trim() } : null;
}

export function isRuleLine(line: string): boolean {
  return RULE.test(line);
}

export interface ListMarker {
  kind: 'bullet' | 'ordered';
  /** For ordered items, the number written; for bullets, 0. */
  number: number;
  /** Marker plus its following space: the indentation of the item's continuation lines. */
  width: number;
  /** The rest of the first line, after the marker and its space. */
  rest: string;
}

export function matchListMarker(line: string): ListMarker | null {
  if (BULLET_MARKER.test(line)) return { kind: 'bullet', number: 0, width: 2, rest: line.slice(2) };
  const ordered = ORDERED_MARKER.exec(line);
  if (ordered) {
    const width = ordered[1].length + 2;
    return { kind: 'ordered', number: Number(ordered[1]), width, rest: line.slice(width) };
  }
  return null;
}

export function isQuoteLine(line: string): boolean {
  return line.startsWith('>');
}

export function stripQuoteMarker(line: string): string {
  return line.startsWith('> ') ? line.slice(2) : line.slice(1);
}

/** Whether this line, at the first column of the container, starts a block other than a paragraph. */
export function startsNonParagraphBlock(line: string, container: BlockContainer, listsAllowed = true): boolean {
  if (matchFenceOpening(line) || (listsAllowed && matchListMarker(line))) return true;
  if (container !== 'document') return false;
  return matchHeading(line) !== null || isRuleLine(line) || isQuoteLine(line);
}

export function leadingSpaces(line: string): number {
  let count = 0;
  while (count < line.length && line[count] === ' ') count += 1;
  return count;
}
