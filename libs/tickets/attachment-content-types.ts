/**
 * The kinds of file a ticket accepts, and how each is recognised from its first bytes. A declared type must be
 * on the list and the bytes must look like it, so a renamed executable or an HTML page sent as "image/png"
 * is refused rather than stored and later handed to someone's browser or to Jira.
 */
type Signature = { offset: number; bytes: number[] };

interface ContentKind {
  /** Any one of these must match, all of its parts; empty for text, which is checked as UTF-8 instead. */
  signatures: Signature[][];
  text?: true;
}

const ascii = (text: string, offset = 0): Signature => ({ offset, bytes: [...Buffer.from(text, 'latin1')] });
const ZIP: ContentKind = { signatures: [[{ offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] }]] };
const TEXT: ContentKind = { signatures: [], text: true };

const KINDS: Record<string, ContentKind> = {
  'application/pdf': { signatures: [[ascii('%PDF-')]] },
  'image/png': { signatures: [[{ offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }]] },
  'image/jpeg': { signatures: [[{ offset: 0, bytes: [0xff, 0xd8, 0xff] }]] },
  'image/gif': { signatures: [[ascii('GIF87a')], [ascii('GIF89a')]] },
  'image/webp': { signatures: [[ascii('RIFF'), ascii('WEBP', 8)]] },
  'application/zip': ZIP,
  // Office Open XML documents are ZIP containers.
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ZIP,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ZIP,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ZIP,
  'text/plain': TEXT,
  'text/csv': TEXT,
  'application/json': TEXT,
  'message/rfc822': TEXT,
};

export const ATTACHMENT_CONTENT_TYPES: readonly string[] = Object.keys(KINDS);

export type ContentTypeVerdict =
  | { ok: true; contentType: string }
  | { ok: false; reason: 'not_allowed' | 'content_mismatch'; contentType: string };

/** The declared type without parameters ("text/plain; charset=utf-8" -> "text/plain"), lower-cased. */
export function essenceOf(declared: string): string {
  return declared.split(';')[0]!.trim().toLowerCase();
}

/** Whether the declared type is accepted and the file's bytes are of that type. */
export function checkAttachmentContent(declared: string, content: Buffer): ContentTypeVerdict {
  const contentType = essenceOf(declared);
  const kind = Object.hasOwn(KINDS, contentType) ? KINDS[contentType] : undefined;
  if (!kind) return { ok: false, reason: 'not_allowed', contentType };
  const matches = kind.text
    ? isPlainText(content)
    : kind.signatures.some((parts) => parts.every((part) => startsWith(content, part)));
  return matches ? { ok: true, contentType } : { ok: false, reason: 'content_mismatch', contentType };
}

function startsWith(content: Buffer, { offset, bytes }: Signature): boolean {
  if (content.length < offset + bytes.length) return false;
  return bytes.every((byte, index) => content[offset + index] === byte);
}

/** Valid UTF-8 with no NUL and no other control characters than tab, line feed, carriage return and form feed. */
function isPlainText(content: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}
