// Reads Custodian text into ADF blocks (the rules are in custodian-text-syntax.ts). It also records which
// lines of the source are code, so normalizeText can leave exactly those alone.
import { AdfBlock, AdfCodeBlock, AdfInline, AdfListItem } from './adf-document';
import {
  BlockContainer,
  isBlankLine,
  isFenceClosing,
  isQuoteLine,
  isRuleLine,
  leadingSpaces,
  MAX_LIST_NESTING,
  matchFenceOpening,
  matchHeading,
  matchListMarker,
  startsNonParagraphBlock,
  stripQuoteMarker,
} from './custodian-text-syntax';
import { parseInlineLine } from './inline-parser';

/** A line as its container sees it (de-indented, quote marker stripped) and where it came from. */
interface SourceLine {
  text: string;
  source: number;
}

export interface ReadText {
  /** Blocks as read, before canonicalisation. */
  blocks: AdfBlock[];
  /** Indexes of the source lines ("\n"-separated) that are content of a code block. */
  codeLines: ReadonlySet<number>;
}

export function readTextBlocks(text: string): ReadText {
  const reader = new TextBlockReader();
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((line, source) => ({ text: line, source }));
  return { blocks: reader.blocks(lines, 'document', 0), codeLines: reader.codeLines };
}

class TextBlockReader {
  readonly codeLines = new Set<number>();

  blocks(lines: SourceLine[], container: BlockContainer, listDepth: number): AdfBlock[] {
    const listsAllowed = listDepth < MAX_LIST_NESTING;
    const blocks: AdfBlock[] = [];
    let index = 0;
    while (index < lines.length) {
      const line = lines[index].text;
      if (isBlankLine(line)) {
        index += 1;
        continue;
      }
      const fence = matchFenceOpening(line);
      if (fence) {
        let close = index + 1;
        while (close < lines.length && !isFenceClosing(lines[close].text, fence.fence)) close += 1;
        const content = lines.slice(index + 1, close);
        for (const codeLine of content) this.codeLines.add(codeLine.source);
        const block: AdfCodeBlock = { type: 'codeBlock' };
        if (fence.language) block.attrs = { language: fence.language };
        if (content.length > 0) block.content = [{ type: 'text', text: content.map((codeLine) => codeLine.text).join('\n') }];
        blocks.push(block);
        index = close + 1;
        continue;
      }
      if (container === 'document') {
        const heading = matchHeading(line.trimEnd());
        if (heading) {
          blocks.push({ type: 'heading', attrs: { level: heading.level as 1 }, content: inlineLines([heading.text]) });
          index += 1;
          continue;
        }
        if (isRuleLine(line)) {
          blocks.push({ type: 'rule' });
          index += 1;
          continue;
        }
        if (isQuoteLine(line)) {
          const quoted: SourceLine[] = [];
          while (index < lines.length && isQuoteLine(lines[index].text)) {
            quoted.push({ text: stripQuoteMarker(lines[index].text), source: lines[index].source });
            index += 1;
          }
          blocks.push({ type: 'blockquote', content: this.blocks(quoted, 'blockquote', listDepth) as never });
          continue;
        }
      }
      if (listsAllowed && matchListMarker(line)) {
        index = this.list(lines, index, listDepth + 1, blocks);
        continue;
      }
      const paragraph = [line];
      index += 1;
      while (index < lines.length && !isBlankLine(lines[index].text) && !startsNonParagraphBlock(lines[index].text, container, listsAllowed)) {
        paragraph.push(lines[index].text);
        index += 1;
      }
      blocks.push({ type: 'paragraph', content: inlineLines(paragraph) });
    }
    return blocks;
  }

  /** Reads one list starting at start into blocks; returns the index of the first line after it. */
  private list(lines: SourceLine[], start: number, listDepth: number, blocks: AdfBlock[]): number {
    const first = matchListMarker(lines[start].text);
    if (!first) return start;
    const items: AdfListItem[] = [];
    let index = start;
    while (index < lines.length) {
      const marker = matchListMarker(lines[index].text);
      if (!marker || marker.kind !== first.kind) break;
      const itemLines: SourceLine[] = [{ text: marker.rest, source: lines[index].source }];
      index += 1;
      while (index < lines.length) {
        const line = lines[index].text;
        if (isBlankLine(line)) {
          let next = index;
          while (next < lines.length && isBlankLine(lines[next].text)) next += 1;
          if (next === lines.length || leadingSpaces(lines[next].text) < marker.width) break;
        } else if (leadingSpaces(line) < marker.width) {
          break;
        }
        itemLines.push({ text: line.slice(Math.min(marker.width, leadingSpaces(line))), source: lines[index].source });
        index += 1;
      }
      items.push({ type: 'listItem', content: this.blocks(itemLines, 'listItem', listDepth) as AdfListItem['content'] });
      if (index < lines.length && isBlankLine(lines[index].text)) break;
    }
    blocks.push(first.kind === 'bullet' ? { type: 'bulletList', content: items } : { type: 'orderedList', attrs: { order: first.number }, content: items });
    return index;
  }
}

function inlineLines(lines: string[]): AdfInline[] {
  const content: AdfInline[] = [];
  lines.forEach((line, index) => {
    if (index > 0) content.push({ type: 'hardBreak' });
    for (const run of parseInlineLine(line.trimEnd())) {
      content.push(run.marks.length > 0 ? { type: 'text', text: run.text, marks: run.marks } : { type: 'text', text: run.text });
    }
  });
  return content;
}
