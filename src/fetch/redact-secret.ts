/** Text that replaces a secret wherever it would be printed or saved. */
export const REDACTED = '[redacted]'

/**
 * Replaces every occurrence of each non-empty secret in `text` with
 * {@link REDACTED}. Used on error messages and saved responses as a last
 * guard, because the secret is only ever sent in a request header.
 */
export function redactSecret(
  text: string,
  secrets: ReadonlyArray<string | undefined>,
): string {
  let result = text
  for (const secret of secrets) {
    if (secret === undefined || secret.length === 0) continue
    result = result.split(secret).join(REDACTED)
  }
  return result
}
