import type { JiraDocument } from '../connectors/jira/jira-site.connector';

/**
 * The one door between ticket text and Jira's ADF documents (descriptions, comments). A stand-in that keeps
 * paragraphs (blank-line separated) and hard breaks, until the full converter (libs/connectors/jira/adf:
 * lists, links, code blocks) is swapped in here.
 */
export function textToJiraDocument(text: string): JiraDocument {
  const paragraphs = text.split(/\n{2,}/).filter((paragraph) => paragraph.length > 0);
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((paragraph) => ({
      type: 'paragraph',
      content: paragraph.split('\n').flatMap((line, index) => [...(index > 0 ? [{ type: 'hardBreak' }] : []), ...(line ? [{ type: 'text', text: line }] : [])]),
    })),
  } as JiraDocument;
}

export function jiraDocumentToText(document: unknown): string {
  if (typeof document === 'string') return document;
  if (typeof document !== 'object' || document === null) return '';
  const blocks: string[] = [];
  const inline = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return '';
    const { type, text, content } = node as { type?: string; text?: unknown; content?: unknown };
    if (type === 'hardBreak') return '\n';
    if (typeof text === 'string') return text;
    return Array.isArray(content) ? content.map(inline).join('') : '';
  };
  const { content } = document as { content?: unknown };
  for (const block of Array.isArray(content) ? content : []) blocks.push(inline(block));
  return blocks.join('\n\n');
}
