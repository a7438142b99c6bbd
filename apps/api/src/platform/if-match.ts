import { ApiError } from '../errors/api-error';

const ENTITY_TAG = /^"(\d{1,9})"$/;

/** The ETag of a resource at a version: a strong tag, as If-Match compares strongly. */
export function versionEtag(version: number): string {
  return `"${version}"`;
}

/**
 * The versions an If-Match header accepts: undefined when absent or "*" (any version will do), else the
 * versions its entity tags name. Anything else is a 400, so a mistyped precondition never passes silently.
 */
export function versionsOfIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions = header.split(',').map((tag) => ENTITY_TAG.exec(tag.trim())?.[1]);
  if (versions.length === 0 || versions.some((version) => version === undefined)) {
    throw new ApiError(400, 'bad_request', 'If-Match must be "*" or the ETag of the resource, e.g. "3"');
  }
  return versions.map(Number);
}

/** 412 when the resource changed since the caller read it. */
export function assertIfMatch(accepted: number[] | undefined, current: number, what: string): void {
  if (accepted && !accepted.includes(current)) {
    throw new ApiError(412, 'conflict', `${what} was changed by someone else (now version ${current}); read it again and retry`);
  }
}
