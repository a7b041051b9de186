/** Cuts a text to at most `limit` characters, ending with an ellipsis when it was cut. */
export function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/**
 * Step Functions gives a Lambda function's error as the Cause JSON {errorType, errorMessage, trace}:
 * its message is the sentence. Any other cause is already text and is returned as it is.
 */
export function causeSentence(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown } | null;
    if (parsed && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: the cause is already text.
  }
  return cause;
}
