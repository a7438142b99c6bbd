// Comments Custodian writes to Jira end with a paragraph naming the ticket they came from, so people in
// Jira see where a comment came from and the sync recognises its own comments. Removing the line gives back
// exactly what was there before it was added: nothing else is touched.
import { AdfDocument } from './adf-document';

const ATTRIBUTION_TEXT = /^— synced from Custodian ticket (CT-\d+)$/;
const TEXT_SEPARATOR = '\n\n';

export function attributionLine(ticketRef: string): string {
  if (!/^CT-\d+$/.test(ticketRef)) throw new Error(`not a Custodian ticket reference: ${ticketRef}`);
  return `— synced from Custodian ticket ${ticketRef}`;
}

/** The document with the attribution paragraph added as its last block. */
export function withAttribution(doc: AdfDocument, ticketRef: string): AdfDocument {
  return {
    ...doc,
    content: [...doc.content, { type: 'paragraph', content: [{ type: 'text', text: attributionLine(ticketRef) }] }],
  };
}

/**
 * The document without a final attribution paragraph, and the ticket it named; a document without one comes
 * back as it was, with ticketRef null. Accepts whatever Jira returned.
 */
export function withoutAttribution<T>(doc: T): { doc: T; ticketRef: string | null } {
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { content?: unknown }).content)) {
    return { doc, ticketRef: null };
  }
  const content = (doc as unknown as { content: unknown[] }).content;
  const ticketRef = attributionParagraphRef(content[content.length - 1]);
  if (ticketRef === null) return { doc, ticketRef: null };
  return { doc: { ...doc, content: content.slice(0, -1) }, ticketRef };
}

function attributionParagraphRef(node: unknown): string | null {
  if (typeof node !== 'object' || node === null) return null;
  const paragraph = node as { type?: unknown; content?: unknown };
  if (paragraph.type !== 'paragraph' || !Array.isArray(paragraph.content) || paragraph.content.length !== 1) return null;
  const text = paragraph.content[0] as { type?: unknown; text?: unknown; marks?: unknown };
  if (text?.type !== 'text' || typeof text.text !== 'string' || (Array.isArray(text.marks) && text.marks.length > 0)) return null;
  return ATTRIBUTION_TEXT.exec(text.text)?.[1] ?? null;
}

/** The same for Custodian text: the line is added after a blank line (alone, for an empty comment). */
export function withAttributionText(text: string, ticketRef: string): string {
  const line = attributionLine(ticketRef);
  return text === '' ? line : `${text}${TEXT_SEPARATOR}${line}`;
}

export function withoutAttributionText(text: string): { text: string; ticketRef: string | null } {
  const separator = text.lastIndexOf(TEXT_SEPARATOR);
  const lastLine = separator === -1 ? text : text.slice(separator + TEXT_SEPARATOR.length);
  const ticketRef = ATTRIBUTION_TEXT.exec(lastLine)?.[1] ?? null;
  if (ticketRef === null) return { text, ticketRef: null };
  return { text: separator === -1 ? '' : text.slice(0, separator), ticketRef };
}
