// Writes one line of marked text runs as Custodian text. A backslash goes in only where the parser would
// otherwise read a character as syntax, so plain text stays exactly as typed. The line is built from the
// right: at each character the parser is asked what it would do there, given everything already written
// to its right. Every line is parsed back; if that disagrees, the line is written again with every special
// character escaped, and if a mark cannot be written at all (italic inside a word), the line loses its bold
// and italic, then its links and code, rather than show stray delimiters.
import { AdfMark } from './adf-document';
import { hasMark, linkHref } from './adf-marks';
import {
  BlockContainer,
  codeSpanNeedsPadding,
  ESCAPABLE_CHARACTERS,
  startsNonParagraphBlock,
} from './custodian-text-syntax';
import {
  ActiveMarks,
  CONSTRUCT_LOOKAHEAD,
  InlineCloser,
  InlineParser,
  InlineRun,
  mergeRuns,
  parseInlineLine,
} from './inline-parser';

interface WriterFrame {
  closer: InlineCloser | null;
  atContentStart: boolean;
  active: ActiveMarks;
}

type Token =
  | { kind: 'literal'; character: string; frame: WriterFrame }
  | { kind: 'backticks'; text: string; frame: WriterFrame }
  | { kind: 'raw'; text: string }
  | { kind: 'bareUrl'; url: string; frame: WriterFrame; bracketed: Token[] };

type EscapeMode = 'minimal' | 'all';
type OuterMark = { type: 'link'; href: string; end: number } | { type: 'strong' | 'em'; end: number };

/** The only characters at which the parser can do anything but take one literal character. */
const SYNTAX_TRIGGERS = new Set(['\\', '`', '*', '_', '[', ']', 'h']);
const PLAIN_LINK_DESTINATION = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s()<>]+$/;
const BARE_URL_CANDIDATE = /^https?:\/\/[^\s<>`\\]*[^\s<>`\\.,;:!?'")\]*_]$/;

/**
 * @param container when set, the line is a paragraph line in that container, and a line that would start
 *   another block there gets its first character escaped.
 */
export function writeInlineLine(runs: InlineRun[], container: BlockContainer | null): string {
  const withoutEmphasis = mergeRuns(runs.map((run) => ({ text: run.text, marks: run.marks.filter((mark) => mark.type !== 'strong' && mark.type !== 'em') })));
  const plain = mergeRuns(runs.map((run) => ({ text: run.text, marks: [] })));
  const attempts: Array<[InlineRun[], EscapeMode]> = [
    [runs, 'minimal'],
    [runs, 'all'],
    [withoutEmphasis, 'minimal'],
    [withoutEmphasis, 'all'],
    [plain, 'minimal'],
  ];
  for (const [attempt, mode] of attempts) {
    const line = writeWith(attempt, container, mode);
    if (readsBackAs(line, attempt, container)) return line;
  }
  return writeWith(plain, container, 'all');
}

function readsBackAs(line: string, runs: InlineRun[], container: BlockContainer | null): boolean {
  if (container !== null && startsNonParagraphBlock(line, container)) return false;
  return JSON.stringify(parseInlineLine(line)) === JSON.stringify(runs);
}

function writeWith(runs: InlineRun[], container: BlockContainer | null, mode: EscapeMode): string {
  const tokens: Token[] = [];
  appendTokens(runs, { strong: false, em: false, link: false }, null, mode, tokens);
  let line = writeTokens(tokens, mode);
  if (container !== null && startsNonParagraphBlock(line, container)) {
    line = ESCAPABLE_CHARACTERS.has(line[0]) && line[0] !== '\\' ? `\\${line}` : line.replace(/^(\d+)\./, '$1\\.');
  }
  return line;
}

/** Nests the runs' marks, choosing at each point the mark that covers the most runs as the outer one. */
function appendTokens(runs: InlineRun[], active: ActiveMarks, closer: InlineCloser | null, mode: EscapeMode, tokens: Token[]): void {
  let index = 0;
  while (index < runs.length) {
    const frame: WriterFrame = { closer, atContentStart: index === 0, active };
    const outer = chooseOuterMark(runs, index, active);
    if (outer === null) {
      appendLeaf(runs[index], frame, tokens);
      index += 1;
      continue;
    }
    const end = outer.end;
    const group = runs.slice(index, end);
    if (outer.type === 'link') {
      const href = outer.href;
      const bracketed: Token[] = [{ kind: 'raw', text: '[' }];
      appendTokens(group, { ...active, link: true }, ']', mode, bracketed);
      bracketed.push({ kind: 'raw', text: `](${PLAIN_LINK_DESTINATION.test(href) ? href : `<${href}>`})` });
      const only = group[0];
      const onlyLink = only.marks.every((mark) => mark.type === 'link' || active[mark.type as 'strong' | 'em']);
      const bare = mode === 'minimal' && group.length === 1 && onlyLink && only.text === href && BARE_URL_CANDIDATE.test(href);
      if (bare) tokens.push({ kind: 'bareUrl', url: href, frame, bracketed });
      else tokens.push(...bracketed);
    } else {
      const delimiter = outer.type === 'strong' ? '**' : '_';
      tokens.push({ kind: 'raw', text: delimiter });
      appendTokens(group, { ...active, [outer.type]: true }, delimiter, mode, tokens);
      tokens.push({ kind: 'raw', text: delimiter });
    }
    index = end;
  }
}

/** On a tie bold and italic go outside a link, which lets a link whose text is its URL be written bare. */
function chooseOuterMark(runs: InlineRun[], index: number, active: ActiveMarks): OuterMark | null {
  const first = runs[index].marks;
  let best: OuterMark | null = null;
  for (const type of ['strong', 'em'] as const) {
    if (active[type] || !hasMark(first, type)) continue;
    const end = extent(runs, index, (marks) => hasMark(marks, type));
    if (best === null || end > best.end) best = { type, end };
  }
  const href = linkHref(first);
  if (href !== null && !active.link) {
    const end = extent(runs, index, (marks) => linkHref(marks) === href);
    if (best === null || end > best.end) best = { type: 'link', href, end };
  }
  return best;
}

function extent(runs: InlineRun[], index: number, covered: (marks: AdfMark[]) => boolean): number {
  let end = index;
  while (end < runs.length && covered(runs[end].marks)) end += 1;
  return end;
}

function appendLeaf(run: InlineRun, frame: WriterFrame, tokens: Token[]): void {
  if (hasMark(run.marks, 'code')) {
    tokens.push({ kind: 'raw', text: codeSpan(run.text) });
    return;
  }
  const pieces = run.text.match(/`+|[^`]/gs) ?? [];
  pieces.forEach((piece, position) => {
    const pieceFrame = { ...frame, atContentStart: frame.atContentStart && position === 0 };
    tokens.push(piece.startsWith('`') ? { kind: 'backticks', text: piece, frame: pieceFrame } : { kind: 'literal', character: piece, frame: pieceFrame });
  });
}

/** The shortest backtick fence that does not occur inside the code, padded when a backtick would touch it. */
function codeSpan(code: string): string {
  const runLengths = new Set((code.match(/`+/g) ?? []).map((run) => run.length));
  let length = 1;
  while (runLengths.has(length)) length += 1;
  const fence = '`'.repeat(length);
  return codeSpanNeedsPadding(code) ? `${fence} ${code} ${fence}` : `${fence}${code}${fence}`;
}

function writeTokens(tokens: Token[], mode: EscapeMode): string {
  // pieces[pieces.length - 1] is the leftmost piece written so far.
  const pieces: string[] = [];
  const queue = [...tokens];
  while (queue.length > 0) {
    const token = queue.pop() as Token;
    const left = queue[queue.length - 1];
    if (token.kind === 'raw') {
      pieces.push(token.text);
      continue;
    }
    const previous = left === undefined ? '' : lastCharacter(left);
    if (token.kind === 'bareUrl') {
      if (readsAsItself(token.url, token.frame, previous, pieces, 'construct', token.url)) {
        pieces.push(token.url);
      } else {
        queue.push(...token.bracketed);
      }
      continue;
    }
    if (token.kind === 'backticks') {
      const safe = mode === 'minimal' && previous !== '`' && readsAsItself(token.text, token.frame, previous, pieces, 'literal', token.text);
      pieces.push(safe ? token.text : token.text.replace(/`/g, '\\`'));
      continue;
    }
    const character = token.character;
    const mustEscape = mode === 'all' && ESCAPABLE_CHARACTERS.has(character);
    if (!SYNTAX_TRIGGERS.has(character)) {
      pieces.push(character);
    } else if (!mustEscape && readsAsItself(character, token.frame, previous, pieces, 'literal', character)) {
      pieces.push(character);
    } else if (ESCAPABLE_CHARACTERS.has(character)) {
      pieces.push(`\\${character}`);
    } else {
      // Only "h" of a bare URL gets here: escaping the scheme's colon stops the URL being linked.
      pieces.push(character);
      breakBareUrl(pieces);
    }
  }
  return pieces.reverse().join('');
}

/**
 * The last character a token writes. A URL is assumed to stay bare; when it is bracketed after all, the
 * line may fail to read back and is then written with every special character escaped.
 */
function lastCharacter(token: Token): string {
  switch (token.kind) {
    case 'literal':
      return token.character;
    case 'backticks':
      return '`';
    case 'raw':
      return token.text[token.text.length - 1];
    case 'bareUrl':
      return token.url[token.url.length - 1];
  }
}

function readsAsItself(text: string, frame: WriterFrame, previous: string, pieces: string[], expected: 'literal' | 'construct', expectedText: string): boolean {
  const probe = previous + text + lookahead(pieces);
  const at = previous.length;
  const parser = new InlineParser(probe);
  const step = parser.step(at, {
    closer: frame.closer,
    contentStart: frame.atContentStart ? at : -1,
    active: frame.active,
  });
  if (step.kind === 'close' || step.next !== at + text.length) return false;
  if (expected === 'literal') return step.kind === 'literal' && step.text === expectedText;
  return step.kind === 'construct' && step.runs.length === 1 && step.runs[0].text === expectedText;
}

function lookahead(pieces: string[]): string {
  let text = '';
  for (let index = pieces.length - 1; index >= 0 && text.length <= CONSTRUCT_LOOKAHEAD + 8; index -= 1) {
    text += pieces[index];
  }
  return text;
}

function breakBareUrl(pieces: string[]): void {
  for (let offset = 1; offset <= 5; offset += 1) {
    const index = pieces.length - 1 - offset;
    if (pieces[index] === ':') {
      pieces[index] = '\\:';
      return;
    }
  }
}
