// Reads one line of Custodian text into marked text runs (see custodian-text-syntax.ts for the rules).
// The writer (inline-writer.ts) asks this same parser, one position at a time, whether a character would
// be read as syntax, so the two cannot disagree about what needs a backslash.
import { AdfMark } from './adf-document';
import { sortMarks } from './adf-marks';
import { codeSpanNeedsPadding, ESCAPABLE_CHARACTERS, LINK_SCHEME } from './custodian-text-syntax';

export interface InlineRun {
  text: string;
  marks: AdfMark[];
}

export type InlineCloser = '**' | '_' | ']';

export interface ActiveMarks {
  strong: boolean;
  em: boolean;
  link: boolean;
}

export interface InlineFrame {
  closer: InlineCloser | null;
  /** Index where the frame's content starts: a closer right there would leave it empty. */
  contentStart: number;
  active: ActiveMarks;
}

/** What the parser does at one position. */
export type InlineStep =
  | { kind: 'close' }
  | { kind: 'literal'; text: string; next: number }
  | { kind: 'construct'; runs: InlineRun[]; next: number };

/**
 * Constructs must end within this many characters of where they start, which keeps a pathological line
 * (a pasted log full of "[" and "*") linear instead of quadratic.
 */
export const CONSTRUCT_LOOKAHEAD = 1000;

const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const WHITESPACE = /\s/;
const BARE_URL = /https?:\/\/[^\s<>`\\]+/y;
const BARE_URL_TRAILING = /[.,;:!?'")\]*_]+$/;
const LINK_DESTINATION = /[A-Za-z][A-Za-z0-9+.-]*:[^\s()<>]+/y;
const ANGLE_LINK_DESTINATION = /<([A-Za-z][A-Za-z0-9+.-]*:[^<>\n]*)>/y;

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && WORD_CHARACTER.test(character);
}

function isWhitespace(character: string | undefined): boolean {
  return character !== undefined && WHITESPACE.test(character);
}

const TOP_LEVEL_FRAME: InlineFrame = {
  closer: null,
  contentStart: 0,
  active: { strong: false, em: false, link: false },
};

export class InlineParser {
  private readonly attempts = new Map<string, { runs: InlineRun[]; next: number } | null>();

  constructor(private readonly line: string) {}

  parseLine(): InlineRun[] {
    const parsed = this.parseContent(0, TOP_LEVEL_FRAME, this.line.length);
    return parsed ? parsed.runs : [{ text: this.line, marks: [] }];
  }

  /** Whether the frame's closer ends the frame's content at index. */
  closesAt(index: number, frame: InlineFrame): boolean {
    const s = this.line;
    if (frame.closer === null || index <= frame.contentStart || !s.startsWith(frame.closer, index)) {
      return false;
    }
    if (frame.closer === ']') return true;
    if (isWhitespace(s[index - 1])) return false;
    return frame.closer === '**' || !isWordCharacter(s[index + 1]);
  }

  step(index: number, frame: InlineFrame): InlineStep {
    if (this.closesAt(index, frame)) return { kind: 'close' };
    const s = this.line;
    const character = s[index];
    if (character === '\\' && ESCAPABLE_CHARACTERS.has(s[index + 1] ?? '')) {
      return { kind: 'literal', text: s[index + 1], next: index + 2 };
    }
    if (character === '`') return this.backtickRun(index);
    const construct = this.construct(index, frame);
    if (construct) return { kind: 'construct', ...construct };
    return { kind: 'literal', text: character, next: index + 1 };
  }

  private parseContent(start: number, frame: InlineFrame, limit: number): { runs: InlineRun[]; end: number } | null {
    const runs: InlineRun[] = [];
    let text = '';
    let index = start;
    const flush = () => {
      if (text) runs.push({ text, marks: [] });
      text = '';
    };
    while (index < this.line.length && index < limit) {
      const step = this.step(index, frame);
      if (step.kind === 'close') {
        flush();
        return { runs, end: index };
      }
      if (step.kind === 'literal') {
        text += step.text;
      } else {
        flush();
        runs.push(...step.runs);
      }
      index = step.next;
    }
    if (frame.closer !== null) return null;
    flush();
    return { runs, end: index };
  }

  private backtickRun(index: number): InlineStep {
    const s = this.line;
    let length = 0;
    while (s[index + length] === '`') length += 1;
    const limit = Math.min(s.length, index + CONSTRUCT_LOOKAHEAD);
    for (let candidate = index + length; candidate < limit; candidate += 1) {
      if (s[candidate] !== '`' || s[candidate - 1] === '`') continue;
      let closing = 0;
      while (s[candidate + closing] === '`') closing += 1;
      if (closing === length) {
        let code = s.slice(index + length, candidate);
        if (code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && codeSpanNeedsPadding(code)) {
          code = code.slice(1, -1);
        }
        return { kind: 'construct', runs: [{ text: code, marks: [{ type: 'code' }] }], next: candidate + length };
      }
      candidate += closing - 1;
    }
    return { kind: 'literal', text: s.slice(index, index + length), next: index + length };
  }

  private construct(index: number, frame: InlineFrame): { runs: InlineRun[]; next: number } | null {
    const s = this.line;
    const { active } = frame;
    const character = s[index];
    let kind: 'strong' | 'em' | 'link' | 'bare';
    if (character === '*' && !active.strong && s[index + 1] === '*' && s[index + 2] !== undefined && !isWhitespace(s[index + 2])) {
      kind = 'strong';
    } else if (character === '_' && !active.em && !isWordCharacter(s[index - 1]) && s[index + 1] !== undefined && !isWhitespace(s[index + 1])) {
      kind = 'em';
    } else if (character === '[' && !active.link) {
      kind = 'link';
    } else if (character === 'h' && !active.link && !isWordCharacter(s[index - 1])) {
      kind = 'bare';
    } else {
      return null;
    }
    // What a construct reads depends on every active mark (inside a link, "h" starts no bare URL).
    const key = `${kind}:${index}:${active.strong ? 1 : 0}${active.em ? 1 : 0}${active.link ? 1 : 0}`;
    if (!this.attempts.has(key)) this.attempts.set(key, this.attempt(kind, index, active));
    return this.attempts.get(key) ?? null;
  }

  private attempt(kind: 'strong' | 'em' | 'link' | 'bare', index: number, active: ActiveMarks): { runs: InlineRun[]; next: number } | null {
    const limit = index + CONSTRUCT_LOOKAHEAD;
    if (kind === 'bare') return this.bareUrl(index);
    if (kind === 'link') return this.link(index, active, limit);
    const delimiter = kind === 'strong' ? '**' : '_';
    const contentStart = index + delimiter.length;
    const inner = this.parseContent(
      contentStart,
      { closer: delimiter, contentStart, active: { ...active, [kind]: true } },
      limit,
    );
    if (!inner) return null;
    const mark: AdfMark = kind === 'strong' ? { type: 'strong' } : { type: 'em' };
    return { runs: withMark(inner.runs, mark), next: inner.end + delimiter.length };
  }

  private link(index: number, active: ActiveMarks, limit: number): { runs: InlineRun[]; next: number } | null {
    const s = this.line;
    const contentStart = index + 1;
    const inner = this.parseContent(contentStart, { closer: ']', contentStart, active: { ...active, link: true } }, limit);
    if (!inner || inner.end === contentStart || s[inner.end + 1] !== '(') return null;
    const destinationStart = inner.end + 2;
    let href: string;
    let afterDestination: number;
    ANGLE_LINK_DESTINATION.lastIndex = destinationStart;
    LINK_DESTINATION.lastIndex = destinationStart;
    const angled = ANGLE_LINK_DESTINATION.exec(s);
    if (angled) {
      href = angled[1];
      afterDestination = destinationStart + angled[0].length;
    } else {
      const plain = LINK_DESTINATION.exec(s);
      if (!plain) return null;
      href = plain[0];
      afterDestination = destinationStart + href.length;
    }
    if (s[afterDestination] !== ')' || afterDestination >= limit || !LINK_SCHEME.test(href)) return null;
    return { runs: withMark(inner.runs, { type: 'link', attrs: { href } }), next: afterDestination + 1 };
  }

  private bareUrl(index: number): { runs: InlineRun[]; next: number } | null {
    BARE_URL.lastIndex = index;
    const match = BARE_URL.exec(this.line);
    if (!match) return null;
    const url = match[0].slice(0, CONSTRUCT_LOOKAHEAD).replace(BARE_URL_TRAILING, '');
    if (/^https?:\/\/$/.test(url)) return null;
    return { runs: [{ text: url, marks: [{ type: 'link', attrs: { href: url } }] }], next: index + url.length };
  }
}

function withMark(runs: InlineRun[], mark: AdfMark): InlineRun[] {
  return runs.map((run) => ({ text: run.text, marks: sortMarks([...run.marks, mark]) }));
}

/** One line of Custodian text as marked runs; adjacent runs with the same marks are merged. */
export function parseInlineLine(line: string): InlineRun[] {
  return mergeRuns(new InlineParser(line).parseLine());
}

export function mergeRuns(runs: InlineRun[]): InlineRun[] {
  const merged: InlineRun[] = [];
  for (const run of runs) {
    if (run.text === '') continue;
    const last = merged[merged.length - 1];
    if (last && sameMarks(last.marks, run.marks)) {
      last.text += run.text;
    } else {
      merged.push({ text: run.text, marks: run.marks });
    }
  }
  return merged;
}

function sameMarks(a: AdfMark[], b: AdfMark[]): boolean {
  return a.length === b.length && a.every((mark, i) => JSON.stringify(mark) === JSON.stringify(b[i]));
}
