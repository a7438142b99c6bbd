/** The pair changed under the sync (a ticket edit between read and write): the attempt is retried from the start. */
export class JiraSyncRetry extends Error {
  override name = 'JiraSyncRetry';
}
