/** One file part of a multipart/form-data body. */
export interface MultipartFile {
  field: string;
  filename: string;
  mimeType: string;
  content: Buffer;
}

/** The file parts of a multipart/form-data body (RFC 7578), as Jira reads an attachment upload. */
export function multipartFiles(contentType: string | undefined, raw: Buffer): MultipartFile[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!contentType?.startsWith('multipart/form-data') || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const files: MultipartFile[] = [];
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (raw.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, partStart);
    if (next === -1) break;
    const part = raw.subarray(partStart + 2, next - 2); // skip the CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const name = /content-disposition:[^\r\n]*?;\s*name="([^"]*)"/i.exec(headers);
      const filename = /content-disposition:[^\r\n]*?;\s*filename="([^"]*)"/i.exec(headers);
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers);
      if (name && filename) {
        files.push({ field: name[1], filename: filename[1], mimeType: type?.[1].trim() ?? 'application/octet-stream', content: Buffer.from(part.subarray(headerEnd + 4)) });
      }
    }
    start = next;
  }
  return files;
}
