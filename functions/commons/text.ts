/** Cuts a text to at most `limit` characters, ending with an ellipsis when it was cut. */
export function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
